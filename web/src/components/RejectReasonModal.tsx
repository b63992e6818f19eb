/**
 * "Reject, with a reason": the reason is required (the dialog says so, and does not send, while
 * it is blank). `onReject` gets the trimmed reason; when it fails the dialog stays for another
 * try (the API client has shown the problem), when it succeeds the caller closes it.
 */
import { Button, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../context';

export function RejectReasonModal({
  title,
  prompt,
  reasonRequired,
  confirm,
  confirmTestId,
  reasonTestId,
  onReject,
  onClose,
}: {
  title: string;
  prompt: string;
  reasonRequired: string;
  confirm: string;
  confirmTestId: string;
  reasonTestId: string;
  onReject: (reason: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const missing = reason.trim() === '';
  const reject = async () => {
    setTouched(true);
    if (missing) return;
    setBusy(true);
    try {
      await onReject(reason.trim());
    } catch {
      setBusy(false); // the API client showed the problem; the dialog stays for another try
    }
  };
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="reject" danger type="primary" loading={busy} onClick={reject} data-testid={confirmTestId}>
          {confirm}
        </Button>,
      ]}
    >
      <Typography.Text>{prompt}</Typography.Text>
      <Input.TextArea
        autoFocus
        rows={3}
        maxLength={500}
        value={reason}
        status={touched && missing ? 'error' : undefined}
        onChange={(event) => setReason(event.target.value)}
        data-testid={reasonTestId}
      />
      {touched && missing && <Typography.Text type="danger">{reasonRequired}</Typography.Text>}
    </Modal>
  );
}
