/** Links to other documents (a receipt's order, an order's receipts), tagged with their type. */
import { Space } from 'antd';
import { Link } from 'react-router-dom';
import { documentPath } from '../documents';
import type { DocumentRef } from '../documentTypes';
import { BLANK } from '../format';
import { DocTypeTag } from './DocumentTags';

export function DocumentLinks({ organisation, refs, testId }: { organisation: string; refs: DocumentRef[]; testId: string }) {
  if (!refs.length) return <>{BLANK}</>;
  return (
    <Space wrap size={[12, 4]}>
      {refs.map((ref) => (
        <span key={ref.id}>
          <DocTypeTag type={ref.type} />
          <Link to={documentPath(organisation, ref.number)} data-testid={testId}>
            {ref.number}
          </Link>
        </span>
      ))}
    </Space>
  );
}
