/** A document's lines as stored: one column per key the lines have (they differ by type). */
import { Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, type HTMLAttributes } from 'react';
import { useI18n } from '../context';
import { lineColumns } from '../documents';
import type { DocumentLine } from '../documentTypes';
import { codeLabel } from '../i18n';
import { DocumentValue, isNumericColumn } from './DocumentValue';

export function DocumentLinesTable({ lines }: { lines: DocumentLine[] }) {
  const { lang, t } = useI18n();
  const columns = useMemo<ColumnsType<DocumentLine>>(
    () =>
      lineColumns(lines).map((key) => ({
        key,
        title: codeLabel(lang, 'col', key),
        align: isNumericColumn(key) ? ('right' as const) : undefined,
        onCell: () => ({ 'data-col': key }) as HTMLAttributes<HTMLElement>,
        render: (_: unknown, line: DocumentLine) => <DocumentValue name={key} value={line[key]} />,
      })),
    [lines, lang],
  );
  return (
    <Table<DocumentLine>
      data-testid="document-lines"
      rowKey={(line) => String(line.line_no)}
      size="small"
      columns={columns}
      dataSource={lines}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('common.empty') }}
    />
  );
}
