/**
 * The document's action bar, driven only by the server's `actions` (what the signed-in caller may
 * do now): submit, approve / reject, a button per step the console has a form for, and a hint for
 * the steps done elsewhere (API / CLI). Nothing the server did not list is offered.
 */
import {
  CheckOutlined,
  CloseOutlined,
  ExperimentOutlined,
  ExportOutlined,
  ImportOutlined,
  RollbackOutlined,
  SendOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, Popconfirm, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useI18n } from '../context';
import { executePath, planActions, type ExecuteKind } from '../documentActions';
import { documentPath } from '../documents';
import type { DocumentDetail } from '../documentTypes';
import { codeLabel } from '../i18n';
import { useShell } from '../Shell';
import { RejectReasonModal } from './RejectReasonModal';

const ICONS: Readonly<Record<ExecuteKind, ReactNode>> = {
  po_receive: <ImportOutlined />,
  so_ship: <ExportOutlined />,
  gr_inspect: <ExperimentOutlined />,
  gr_return: <RollbackOutlined />,
  shipment_return: <RollbackOutlined />,
  transfer_ship: <ExportOutlined />,
  transfer_receive: <ImportOutlined />,
};

function SubmitButton({ doc, onDone }: { doc: DocumentDetail; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await api.submitDocument(doc.organisation, doc.number);
      void message.success(t('document.submitted', { number: doc.number }));
      onDone();
    } catch {
      // The API client already showed the problem.
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popconfirm title={t('document.submitConfirm', { number: doc.number })} onConfirm={submit}>
      <Button type="primary" icon={<SendOutlined />} loading={busy} data-testid="document-submit">
        {t('document.submit')}
      </Button>
    </Popconfirm>
  );
}

function ApproveButton({ doc, requestId, onDone }: { doc: DocumentDetail; requestId: string; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const approve = async () => {
    setBusy(true);
    try {
      await api.decide(requestId, 'approve');
      void message.success(t('actions.approved', { number: doc.number }));
      onDone();
    } catch {
      // The API client already showed the problem.
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popconfirm title={t('actions.approveConfirm', { number: doc.number })} onConfirm={approve}>
      <Button type="primary" icon={<CheckOutlined />} loading={busy} data-testid="document-approve">
        {t('actions.approve')}
      </Button>
    </Popconfirm>
  );
}

function RejectDialog({ doc, requestId, onClose, onDone }: {
  doc: DocumentDetail;
  requestId: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  return (
    <RejectReasonModal
      title={t('actions.rejectTitle', { number: doc.number })}
      prompt={t('actions.rejectReason')}
      reasonRequired={t('actions.reasonRequired')}
      confirm={t('actions.reject')}
      confirmTestId="document-reject-confirm"
      reasonTestId="document-reject-reason"
      onClose={onClose}
      onReject={async (reason) => {
        await api.decide(requestId, 'reject', reason);
        void message.success(t('actions.rejected', { number: doc.number }));
        onDone();
      }}
    />
  );
}

/** The buttons (right of the title). */
export function DocumentActionBar({ doc, onChanged }: { doc: DocumentDetail; onChanged: () => void }) {
  const { t } = useI18n();
  const shell = useShell() as ReturnType<typeof useShell> | undefined; // undefined outside the frame
  const [rejecting, setRejecting] = useState(false);
  const plan = planActions(doc.type, doc.actions);
  const requestId = doc.approval?.id;
  const decided = () => {
    setRejecting(false);
    shell?.refreshInbox();
    onChanged();
  };
  const route = documentPath(doc.organisation, doc.number);
  return (
    <Space wrap data-testid="document-actions">
      {plan.execute.map(({ action, kind }) => (
        <Link key={action} to={executePath(route, action)}>
          <Button type="primary" icon={ICONS[kind]} data-testid={`document-action-${action}`}>
            {t(`exec.${kind}`)}
          </Button>
        </Link>
      ))}
      {plan.submit && <SubmitButton doc={doc} onDone={onChanged} />}
      {plan.approve && requestId && <ApproveButton doc={doc} requestId={requestId} onDone={decided} />}
      {plan.reject && requestId && (
        <Button danger icon={<CloseOutlined />} onClick={() => setRejecting(true)} data-testid="document-reject">
          {t('actions.reject')}
        </Button>
      )}
      {rejecting && requestId && (
        <RejectDialog doc={doc} requestId={requestId} onClose={() => setRejecting(false)} onDone={decided} />
      )}
    </Space>
  );
}

/** The steps the console has no form for, as a quiet hint (not as buttons that lead nowhere). */
export function DocumentActionsElsewhere({ doc }: { doc: DocumentDetail }) {
  const { lang, t } = useI18n();
  const { elsewhere } = planActions(doc.type, doc.actions);
  if (!elsewhere.length) return null;
  const names = elsewhere.map((code) => codeLabel(lang, 'step', code)).join(lang === 'zh-CN' ? '、' : ', ');
  return (
    <Typography.Text type="secondary" data-testid="document-actions-elsewhere">
      {t('actions.elsewhere', { actions: names })}
    </Typography.Text>
  );
}
