/** One voucher on a document page: its number, date, kind and total over its lines. */
import { Space, Tag, Typography } from 'antd';
import { useI18n } from '../context';
import { actorName } from '../documents';
import type { Voucher } from '../documentTypes';
import { formatMoney } from '../format';
import { codeLabel } from '../i18n';
import { VoucherLinesTable } from './VoucherLinesTable';

export function VoucherCard({ voucher }: { voucher: Voucher }) {
  const { lang, t } = useI18n();
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="voucher">
      <Space wrap size="middle">
        <Typography.Text strong data-testid="voucher-number">
          {voucher.number}
        </Typography.Text>
        <Tag>{codeLabel(lang, 'voucherKind', voucher.kind)}</Tag>
        <Typography.Text type="secondary">
          {t('voucher.date')} {voucher.date} · {t('voucher.preparer')} {actorName(voucher.preparer)}
        </Typography.Text>
        <Typography.Text>
          {t('voucher.total')} <strong>{formatMoney(voucher.total)}</strong>
        </Typography.Text>
      </Space>
      <VoucherLinesTable voucher={voucher} />
    </Space>
  );
}
