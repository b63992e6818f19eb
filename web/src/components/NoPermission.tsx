/** A 403 shown as a friendly result, not as an error. */
import { Result } from 'antd';
import type { ReactNode } from 'react';

export function NoPermission({ title, hint }: { title: string; hint?: ReactNode }) {
  return (
    <div data-testid="no-permission">
      <Result status="403" title={title} subTitle={hint} />
    </div>
  );
}
