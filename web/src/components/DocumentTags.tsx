/** Document type and status, approval status: translated AntD tags. */
import { Tag } from 'antd';
import { useI18n } from '../context';
import { approvalStatusColor, statusColor, typeColor } from '../documents';
import { codeLabel } from '../i18n';

export function DocTypeTag({ type }: { type: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={typeColor(type)} data-testid="doc-type">
      {codeLabel(lang, 'docType', type)}
    </Tag>
  );
}

export function DocStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={statusColor(status)} data-testid="doc-status">
      {codeLabel(lang, 'docStatus', status)}
    </Tag>
  );
}

export function ApprovalStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={approvalStatusColor(status)} data-testid="approval-status">
      {codeLabel(lang, 'approvalStatus', status)}
    </Tag>
  );
}
