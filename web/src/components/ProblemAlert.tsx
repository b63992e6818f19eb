/** A failed load shown in place, in the console's language, with a retry. */
import { Alert, Button } from 'antd';
import { useI18n } from '../context';
import { problemMessage, type Problem } from '../problem';

export function ProblemAlert({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  const { lang, t } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      data-testid="problem"
      message={problemMessage(problem, lang)}
      description={problem.code}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}
