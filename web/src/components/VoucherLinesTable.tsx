/** A voucher's lines (account code and name in the console language, debit, credit) with Σ rows. */
import { CheckCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useI18n } from '../context';
import type { Voucher, VoucherLine } from '../documentTypes';
import { BLANK, formatMoney, formatQuantity } from '../format';
import { accountName, lineDimensions, lineSummary, voucherTotals } from '../vouchers';

const numeric = { align: 'right' as const };

/** A zero side of a line stays empty, as on a printed voucher. */
function side(value: string): string {
  return /^[0.]*$/.test(value) ? '' : formatMoney(value);
}

export function VoucherLinesTable({ voucher }: { voucher: Voucher }) {
  const { lang, t } = useI18n();
  const totals = voucherTotals(voucher.lines, voucher.total);
  const columns = useMemo<ColumnsType<VoucherLine>>(
    () => [
      { title: t('voucher.summary'), key: 'summary', render: (_: unknown, line) => lineSummary(line, lang) },
      { title: t('voucher.account'), dataIndex: 'account' },
      { title: t('voucher.accountName'), key: 'name', render: (_: unknown, line) => accountName(line, lang) },
      {
        title: t('voucher.dims'),
        key: 'dims',
        render: (_: unknown, line) => {
          const dims = [...lineDimensions(line)];
          if (line.quantity) dims.push(`${t('col.quantity')} ${formatQuantity(line.quantity)}`);
          return dims.length ? dims.map((dim) => <Tag key={dim}>{dim}</Tag>) : BLANK;
        },
      },
      { ...numeric, title: t('voucher.debit'), dataIndex: 'debit', render: side },
      { ...numeric, title: t('voucher.credit'), dataIndex: 'credit', render: side },
    ],
    [lang, t],
  );

  return (
    <Table<VoucherLine>
      data-testid="voucher-lines"
      rowKey="line_no"
      size="small"
      bordered
      columns={columns}
      dataSource={voucher.lines}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('common.empty') }}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={4}>
            <Typography.Text strong>{t('voucher.totals')}</Typography.Text>{' '}
            {totals.balanced ? (
              <Tag color="success" icon={<CheckCircleOutlined />} data-testid="voucher-balanced">
                {t('voucher.balanced')}
              </Tag>
            ) : (
              <Tag color="error" icon={<WarningOutlined />} data-testid="voucher-unbalanced">
                {t('voucher.unbalanced')}
              </Tag>
            )}
          </Table.Summary.Cell>
          <Table.Summary.Cell index={4} align="right">
            <strong data-testid="voucher-debit-total">{formatMoney(totals.debit)}</strong>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={5} align="right">
            <strong data-testid="voucher-credit-total">{formatMoney(totals.credit)}</strong>
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}
