/** The ledger movements a document posted (drill-down voucher → document → movements). */
import { Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../context';
import type { MovementLink } from '../documentTypes';
import { BLANK, formatQuantity } from '../format';
import { codeLabel } from '../i18n';

export function DocumentMovements({ movements }: { movements: MovementLink[] }) {
  const { lang, t } = useI18n();
  const columns = useMemo<ColumnsType<MovementLink>>(
    () => [
      { title: t('col.line_no'), dataIndex: 'line_no' },
      {
        title: t('col.sku'),
        dataIndex: 'sku',
        render: (sku: string) => (
          <Link to={`/items/${encodeURIComponent(sku)}`} data-testid="movement-sku">
            {sku}
          </Link>
        ),
      },
      { title: t('col.quantity'), dataIndex: 'quantity', align: 'right', render: formatQuantity },
      { title: t('col.lot'), dataIndex: 'lot', render: (lot: string | null) => lot ?? BLANK },
      { title: t('movement.role'), dataIndex: 'role', render: (role: string) => <Tag>{codeLabel(lang, 'role', role)}</Tag> },
    ],
    [lang, t],
  );
  return (
    <Table<MovementLink>
      data-testid="document-movements"
      rowKey="movement_id"
      size="small"
      columns={columns}
      dataSource={movements}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('common.empty') }}
    />
  );
}
