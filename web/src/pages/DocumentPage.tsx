/**
 * One document: header, lines, approval, history, the movements it posted and its vouchers,
 * with links to its source and executing documents; an action bar offers what the server says
 * the caller may do next (submit, approve / reject, receive, ship, inspect, return …).
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Empty, Row, Skeleton, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api';
import { ApprovalPanel } from '../components/ApprovalPanel';
import { DocumentActionBar, DocumentActionsElsewhere } from '../components/DocumentActions';
import { DocumentHistory } from '../components/DocumentHistory';
import { DocumentLinesTable } from '../components/DocumentLinesTable';
import { DocumentLinks } from '../components/DocumentLinks';
import { DocumentMovements } from '../components/DocumentMovements';
import { DocStatusTag, DocTypeTag } from '../components/DocumentTags';
import { DocumentValue } from '../components/DocumentValue';
import { Amount } from '../components/MaskedValue';
import { ProblemAlert } from '../components/ProblemAlert';
import { VoucherCard } from '../components/VoucherCard';
import { useI18n } from '../context';
import { actorName } from '../documents';
import type { DocumentDetail } from '../documentTypes';
import { BLANK, formatDate, formatTime } from '../format';
import { useLoad } from '../hooks';
import { codeLabel } from '../i18n';

function Header({ doc }: { doc: DocumentDetail }) {
  const { lang, t } = useI18n();
  const item = (label: string, value: ReactNode, testId?: string) => (
    <Descriptions.Item key={label} label={label}>{testId ? <span data-testid={testId}>{value}</span> : value}</Descriptions.Item>
  );
  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="document-header">
      {item(t('documents.organisation'), doc.organisation)}
      {item(t('documents.site'), doc.site ?? BLANK)}
      {item(t('documents.partner'), doc.partner ?? BLANK)}
      {item(t('documents.date'), formatDate(doc.doc_date))}
      {item(t('document.createdBy'), actorName(doc.created_by))}
      {item(t('document.createdAt'), formatTime(doc.created_at, lang))}
      {doc.amounts
        ? [
            item(t('document.net'), <Amount value={doc.amounts.net} />, 'document-net'),
            item(t('document.vat'), <Amount value={doc.amounts.vat} />, 'document-vat'),
            item(t('document.gross'), <Amount value={doc.amounts.gross} strong />, 'document-gross'),
          ]
        : doc.amount !== null && doc.amount !== undefined && item(t('documents.amount'), <Amount value={doc.amount} />, 'document-amount')}
      {Object.entries(doc.fields).map(([key, value]) => item(codeLabel(lang, 'col', key), <DocumentValue name={key} value={value} />))}
      {doc.source && item(t('document.source'), <DocumentLinks organisation={doc.organisation} refs={[doc.source]} testId="document-source" />)}
      {doc.executions.length > 0 &&
        item(t('document.executions'), <DocumentLinks organisation={doc.organisation} refs={doc.executions} testId="document-execution" />)}
      {doc.closed_reason && item(t('document.closedReason'), doc.closed_reason)}
      {doc.cancelled_reason && item(t('document.cancelledReason'), doc.cancelled_reason)}
      {item(t('document.updatedAt'), `${formatTime(doc.updated_at, lang)} · ${t('document.version')} ${doc.version}`)}
    </Descriptions>
  );
}

export function DocumentPage() {
  const { org = '', number = '' } = useParams<{ org: string; number: string }>();
  const { t } = useI18n();
  const { data: doc, loading, problem, reload } = useLoad((signal) => api.getDocument(org, number, signal), [org, number]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/documents" data-testid="document-back">
        <ArrowLeftOutlined /> {t('document.back')}
      </Link>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space align="center" wrap>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="document-title">
            {number}
          </Typography.Title>
          {doc && <DocTypeTag type={doc.type} />}
          {doc && <DocStatusTag status={doc.status} />}
        </Space>
        {doc && <DocumentActionBar doc={doc} onChanged={reload} />}
      </Space>
      {doc && <DocumentActionsElsewhere doc={doc} />}
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      {loading && !doc && <Card><Skeleton active /></Card>}
      {doc && (
        <>
          <Card title={t('document.header')}>
            <Header doc={doc} />
          </Card>
          <Card title={t('document.lines')}>
            <DocumentLinesTable lines={doc.lines} />
          </Card>
          {(doc.approval || doc.status === 'draft') && (
            <Card title={t('document.approval')}>
              {doc.approval ? (
                <ApprovalPanel approval={doc.approval} />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('document.noApproval')} />
              )}
            </Card>
          )}
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={14}>
              <Card title={t('document.movements')} style={{ height: '100%' }}>
                <DocumentMovements movements={doc.movements} />
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card title={t('document.history')} style={{ height: '100%' }}>
                <DocumentHistory history={doc.history} />
              </Card>
            </Col>
          </Row>
          {doc.vouchers !== null && (
            <Card title={t('document.vouchers')} data-testid="document-vouchers">
              {doc.vouchers.length ? (
                <Space direction="vertical" size="large" style={{ width: '100%' }}>
                  {doc.vouchers.map((voucher) => (
                    <VoucherCard key={voucher.id} voucher={voucher} />
                  ))}
                </Space>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('document.noVouchers')} />
              )}
            </Card>
          )}
        </>
      )}
    </Space>
  );
}
