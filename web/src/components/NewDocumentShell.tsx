/**
 * The frame of a "new document" page: a link back to the documents, the title, then the page's
 * own content. `NewDocumentShell` also loads the organisations to choose from (the newest
 * document of the type's organisation is the preferred one) and shows the form only once they
 * are there: a problem (with a retry) or a skeleton until then.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Card, Skeleton, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useI18n } from '../context';
import type { Organisation } from '../documentTypes';
import { useLoad } from '../hooks';
import { defaultOrganisation } from '../vouchers';
import { ProblemAlert } from './ProblemAlert';

export function NewDocumentFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/documents">
        <ArrowLeftOutlined /> {t('document.back')}
      </Link>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {children}
    </Space>
  );
}

export function NewDocumentShell({
  title,
  type,
  children,
}: {
  title: string;
  /** The document type whose newest document's organisation comes first. */
  type: string;
  children: (orgs: Organisation[], preferred: string | null) => ReactNode;
}) {
  const { data, problem, reload } = useLoad(
    (signal) =>
      Promise.all([api.listOrganisations(signal), api.listDocuments({ type, limit: 1 }, signal)]).then(
        ([orgs, newest]) => ({
          orgs: orgs.organisations,
          preferred: defaultOrganisation(orgs.organisations, null, newest.documents[0]?.organisation),
        }),
      ),
    [type],
  );
  return (
    <NewDocumentFrame title={title}>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      {data ? children(data.orgs, data.preferred) : !problem && <Card><Skeleton active /></Card>}
    </NewDocumentFrame>
  );
}
