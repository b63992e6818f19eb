/** The approval inbox: requests waiting at a level the user may decide; approve, or reject with a reason. */
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { currentLevelLabel } from '../approvals';
import { DocTypeTag } from '../components/DocumentTags';
import { Amount } from '../components/MaskedValue';
import { NoPermission } from '../components/NoPermission';
import { ProblemAlert } from '../components/ProblemAlert';
import { RejectReasonModal } from '../components/RejectReasonModal';
import { useI18n } from '../context';
import { actorName, documentPath } from '../documents';
import type { Approval } from '../documentTypes';
import { BLANK, formatTime } from '../format';
import { useLoad } from '../hooks';
import { useShell } from '../Shell';

export function ApprovalsPage() {
  const { lang, t } = useI18n();
  const { message } = AntApp.useApp();
  const { refreshInbox } = useShell();
  const { data, loading, problem, reload } = useLoad((signal) => api.approvalInbox(signal), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<Approval | null>(null);

  const decided = (text: string) => {
    void message.success(text);
    reload();
    refreshInbox();
  };

  const columns = useMemo<ColumnsType<Approval>>(() => {
    const approve = async (request: Approval) => {
      setBusy(request.id);
      try {
        await api.decide(request.id, 'approve');
        decided(t('inbox.approved', { number: request.document.number }));
      } catch {
        // The API client already showed the problem.
      } finally {
        setBusy(null);
      }
    };
    return [
      {
        title: t('inbox.document'),
        key: 'document',
        render: (_: unknown, r) => (
          <Space size={4}>
            <DocTypeTag type={r.document.type} />
            <Link to={documentPath(r.organisation ?? '', r.document.number)} data-testid="inbox-document">
              {r.document.number}
            </Link>
          </Space>
        ),
      },
      { title: t('inbox.amount'), dataIndex: 'amount', align: 'right', render: (v: unknown) => <Amount value={v} /> },
      { title: t('approval.requestedBy'), dataIndex: 'requested_by', render: actorName },
      { title: t('approval.requestedAt'), dataIndex: 'requested_at', render: (at: string) => formatTime(at, lang) },
      { title: t('documents.site'), dataIndex: 'site', render: (site: string | null) => site ?? BLANK },
      {
        title: t('inbox.level'),
        key: 'level',
        render: (_: unknown, r) => <span data-testid="inbox-level">{currentLevelLabel(r, lang) || BLANK}</span>,
      },
      {
        title: t('inbox.actions'),
        key: 'actions',
        render: (_: unknown, r) => (
          <Space>
            <Button
              type="primary"
              size="small"
              icon={<CheckOutlined />}
              loading={busy === r.id}
              onClick={() => void approve(r)}
              data-testid="inbox-approve"
            >
              {t('inbox.approve')}
            </Button>
            <Button danger size="small" icon={<CloseOutlined />} onClick={() => setRejecting(r)} data-testid="inbox-reject">
              {t('inbox.reject')}
            </Button>
          </Space>
        ),
      },
    ];
    // `decided` only closes over stable callbacks and `t`.
  }, [busy, lang, t]);

  if (problem?.status === 403) return <NoPermission title={t('inbox.noPermission')} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('inbox.title')}
      </Typography.Title>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      <Table<Approval>
        data-testid="inbox-table"
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.requests ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('inbox.empty') }}
      />
      {rejecting && (
        <RejectReasonModal
          title={t('inbox.rejectTitle', { number: rejecting.document.number })}
          prompt={t('inbox.reason')}
          reasonRequired={t('inbox.reasonRequired')}
          confirm={t('inbox.reject')}
          confirmTestId="reject-confirm"
          reasonTestId="reject-reason"
          onClose={() => setRejecting(null)}
          onReject={async (reason) => {
            await api.decide(rejecting.id, 'reject', reason);
            const number = rejecting.document.number;
            setRejecting(null);
            decided(t('inbox.rejected', { number }));
          }}
        />
      )}
    </Space>
  );
}
