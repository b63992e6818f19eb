/** Documents newest first, filtered by type and status (kept in the URL), "load more" on `next`. */
import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Dropdown, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { DocStatusTag, DocTypeTag } from '../components/DocumentTags';
import { Amount } from '../components/MaskedValue';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { documentPath } from '../documents';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, type DocumentSummary } from '../documentTypes';
import { BLANK, formatDate } from '../format';
import { useLoad } from '../hooks';
import { codeLabel } from '../i18n';

const PAGE_SIZE = 50;

function DocumentsTable({ type, status }: { type: string | null; status: string | null }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [after, setAfter] = useState<string | null>(null);
  const [rows, setRows] = useState<DocumentSummary[]>([]);
  const { data, loading, problem, reload } = useLoad(
    (signal) => api.listDocuments({ type, status, after, limit: PAGE_SIZE }, signal),
    [type, status, after],
  );

  useEffect(() => {
    if (data) setRows((previous) => (after ? [...previous, ...data.documents] : data.documents));
    // Once per loaded page; `after` says whether it is the first page or a further one.
  }, [data]);

  const columns = useMemo<ColumnsType<DocumentSummary>>(
    () => [
      {
        title: t('documents.number'),
        dataIndex: 'number',
        render: (number: string, doc) => (
          <Link to={documentPath(doc.organisation, number)} data-testid="document-link" onClick={(e) => e.stopPropagation()}>
            {number}
          </Link>
        ),
      },
      { title: t('documents.type'), dataIndex: 'type', render: (value: string) => <DocTypeTag type={value} /> },
      { title: t('documents.status'), dataIndex: 'status', render: (value: string) => <DocStatusTag status={value} /> },
      { title: t('documents.date'), dataIndex: 'doc_date', render: formatDate },
      { title: t('documents.organisation'), dataIndex: 'organisation' },
      { title: t('documents.site'), dataIndex: 'site', render: (v: string | null) => v ?? BLANK },
      { title: t('documents.partner'), dataIndex: 'partner', render: (v: string | null) => v ?? BLANK },
      {
        title: t('documents.amount'),
        dataIndex: 'amount',
        align: 'right',
        render: (value: unknown) => <Amount value={value} />,
      },
    ],
    [t],
  );

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      <Table<DocumentSummary>
        data-testid="documents-table"
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('common.empty') }}
        onRow={(doc) => ({ onClick: () => navigate(documentPath(doc.organisation, doc.number)), style: { cursor: 'pointer' } })}
      />
      {data?.next && (
        <Button data-testid="documents-more" loading={loading} onClick={() => setAfter(data.next)}>
          {t('common.more')}
        </Button>
      )}
    </Space>
  );
}

/** "New purchase order" one click away; the other new documents in its menu. */
function NewDocumentMenu() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const entries = [
    { key: '/documents/new/purchase-order', label: t('documents.new'), testId: 'documents-new-po-item' },
    { key: '/documents/new/sales-order', label: t('documents.newSo'), testId: 'documents-new-so' },
    { key: '/documents/new/transfer-order', label: t('documents.newTo'), testId: 'documents-new-to' },
  ];
  return (
    <Space.Compact>
      <Link to="/documents/new/purchase-order">
        <Button type="primary" icon={<PlusOutlined />} data-testid="documents-new-po">
          {t('documents.new')}
        </Button>
      </Link>
      <Dropdown
        trigger={['click']}
        placement="bottomRight"
        menu={{
          items: entries.map(({ key, label, testId }) => ({ key, label: <span data-testid={testId}>{label}</span> })),
          onClick: ({ key }) => navigate(key),
        }}
      >
        <Button type="primary" icon={<DownOutlined />} aria-label={t('documents.newMenu')} data-testid="documents-new-menu" />
      </Dropdown>
    </Space.Compact>
  );
}

export function DocumentsPage() {
  const { lang, t } = useI18n();
  const [params, setParams] = useSearchParams();
  const type = params.get('type');
  const status = params.get('status');

  const setFilter = (name: 'type' | 'status', value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('documents.title')}
        </Typography.Title>
        <Space wrap>
          <Select<string>
            allowClear
            data-testid="documents-type"
            style={{ width: 160 }}
            placeholder={t('documents.allTypes')}
            value={type ?? undefined}
            onChange={(value) => setFilter('type', value)}
            options={DOCUMENT_TYPES.map((value) => ({ value, label: codeLabel(lang, 'docType', value) }))}
          />
          <Select<string>
            allowClear
            data-testid="documents-status"
            style={{ width: 140 }}
            placeholder={t('documents.allStatuses')}
            value={status ?? undefined}
            onChange={(value) => setFilter('status', value)}
            options={DOCUMENT_STATUSES.map((value) => ({ value, label: codeLabel(lang, 'docStatus', value) }))}
          />
          <NewDocumentMenu />
        </Space>
      </Space>
      <DocumentsTable key={`${type ?? ''}|${status ?? ''}`} type={type} status={status} />
    </Space>
  );
}
