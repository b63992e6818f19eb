/** What happened to a document, oldest first, as a timeline. */
import { Timeline, Typography } from 'antd';
import { useI18n } from '../context';
import { actorName, plainValue } from '../documents';
import type { HistoryEntry } from '../documentTypes';
import { formatTime } from '../format';
import { codeLabel } from '../i18n';

/** Internal keys (the idempotency key, request ids) and the document's own number say nothing new. */
const HIDDEN = new Set(['key', 'request', 'number']);

export function DocumentHistory({ history }: { history: HistoryEntry[] }) {
  const { lang, t } = useI18n();
  if (!history.length) return <Typography.Text type="secondary">{t('common.empty')}</Typography.Text>;
  return (
    <Timeline
      data-testid="document-history"
      items={history.map((entry, index) => {
        const details = Object.entries(entry.detail).filter(([key]) => !HIDDEN.has(key));
        return {
          key: `${entry.at}-${index}`,
          color: entry.action === 'reject' ? 'red' : entry.action === 'approve' ? 'green' : 'blue',
          children: (
            <>
              <Typography.Text strong>{codeLabel(lang, 'action', entry.action)}</Typography.Text>
              <Typography.Text type="secondary">
                {' '}
                · {actorName(entry.actor)} · {formatTime(entry.at, lang)}
              </Typography.Text>
              {details.length > 0 && (
                <div>
                  <Typography.Text type="secondary">
                    {details.map(([key, value]) => `${codeLabel(lang, 'col', key)}: ${plainValue(value)}`).join(lang === 'zh-CN' ? ',' : ', ')}
                  </Typography.Text>
                </div>
              )}
            </>
          ),
        };
      })}
    />
  );
}
