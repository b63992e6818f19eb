/** Items, 50 at a time, walked with the server's `next` cursor; search by SKU, name or barcode. */
import { Button, Input, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { FieldValue } from '../components/MaskedValue';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { useLoad } from '../hooks';
import { itemName } from '../items';
import type { Item } from '../types';

export const PAGE_SIZE = 50;

/**
 * The page state lives in the URL (`?q=…&after=…&trail=a&trail=b`) so back/forward and reload work;
 * `trail` holds the cursors of the pages before this one, for "Previous".
 */
export function ItemsPage() {
  const { lang, t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const after = params.get('after');
  const trail = params.getAll('trail');
  const { data, loading, problem, reload } = useLoad(
    (signal) => api.listItems({ q, after, limit: PAGE_SIZE }, signal),
    [q, after],
  );

  const go = (next: { q?: string; after?: string | null; trail?: string[] }) => {
    const search = new URLSearchParams();
    const query = next.q ?? q;
    if (query) search.set('q', query);
    if (next.after) search.set('after', next.after);
    for (const cursor of next.trail ?? []) search.append('trail', cursor);
    setParams(search);
  };

  const columns = useMemo<ColumnsType<Item>>(
    () => [
      {
        title: t('item.sku'),
        dataIndex: 'sku',
        render: (sku: string) => (
          <Link to={`/items/${encodeURIComponent(sku)}`} data-testid="item-link">
            {sku}
          </Link>
        ),
      },
      { title: t('item.name'), key: 'name', render: (_: unknown, item: Item) => itemName(item, lang) },
      { title: t('item.category'), dataIndex: 'category', render: (v: unknown) => <FieldValue value={v} /> },
      { title: t('item.base_unit'), dataIndex: 'base_unit', render: (v: unknown) => <FieldValue value={v} /> },
      { title: t('item.tracking'), dataIndex: 'tracking', render: (v: unknown) => <FieldValue value={v} /> },
      { title: t('item.abc_class'), dataIndex: 'abc_class', render: (v: unknown) => <FieldValue value={v} /> },
      {
        title: t('item.standard_cost'),
        dataIndex: 'standard_cost',
        align: 'right',
        render: (v: unknown) => <FieldValue value={v} />,
      },
    ],
    [lang, t],
  );

  const page = trail.length + (after ? 1 : 0) + 1;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('items.title')}
        </Typography.Title>
        <Input.Search
          allowClear
          defaultValue={q}
          key={q}
          placeholder={t('items.search')}
          onSearch={(value) => go({ q: value.trim(), after: null, trail: [] })}
          style={{ width: 320 }}
          data-testid="items-search"
        />
      </Space>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      <Table<Item>
        data-testid="items-table"
        rowKey="sku"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('common.empty') }}
      />
      <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
        <Button
          data-testid="items-prev"
          disabled={page === 1 || loading}
          onClick={() => go({ after: trail.at(-1) ?? null, trail: trail.slice(0, -1) })}
        >
          {t('items.prev')}
        </Button>
        <Typography.Text data-testid="items-page">{t('items.page', { page })}</Typography.Text>
        <Button
          data-testid="items-next"
          disabled={!data?.next || loading}
          onClick={() => go({ after: data?.next ?? null, trail: after ? [...trail, after] : trail })}
        >
          {t('items.next')}
        </Button>
      </Space>
    </Space>
  );
}
