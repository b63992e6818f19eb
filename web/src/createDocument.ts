/**
 * Saving a "new document" form: one idempotency key per body (resending the same order after a
 * lost answer cannot create it twice; any edit makes a new one), a problem the API reports for a
 * field shown at that field (others above the form), and on success a message and the new
 * document's page. Also the rules the line fields share.
 */
import { App as AntApp, type FormInstance } from 'antd';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, newIdempotencyKey } from './api';
import { useI18n } from './context';
import { documentPath } from './documents';
import type { DocumentDetail } from './documentTypes';
import { isPositiveDecimal } from './format';
import { problemMessage, type Problem } from './problem';

export interface CreateDocument<Values> {
  /** The form's `onFinish`. */
  save: (values: Values) => Promise<void>;
  /** The form's `onValuesChange`: a changed body gets a new idempotency key. */
  renewKey: () => void;
  busy: boolean;
  /** A problem no field of the form is named by. */
  problem: Problem | null;
}

export function useCreateDocument<Values>(
  form: FormInstance<Values>,
  create: (values: Values, idempotencyKey: string) => Promise<DocumentDetail>,
  fieldPath: (field: string | null | undefined) => (string | number)[] | null,
): CreateDocument<Values> {
  const { lang, t } = useI18n();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());

  const save = async (values: Values) => {
    setBusy(true);
    setProblem(null);
    try {
      const doc = await create(values, key.current);
      void message.success(t('po.created', { number: doc.number }));
      navigate(documentPath(doc.organisation, doc.number));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const path = fieldPath(error.problem.field);
      // The path names a field of this form (the page's `fieldPath` knows them); AntD's generic name type cannot see that.
      if (path) (form as FormInstance).setFields([{ name: path, errors: [problemMessage(error.problem, lang)] }]);
      else setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  };
  const renewKey = () => {
    key.current = newIdempotencyKey();
  };
  return { save, renewKey, busy, problem };
}

/** `required`, and `positive` (blank passes: `required` speaks for it) by the given test. */
export function lineRules(t: (key: 'po.required' | 'po.positive') => string, isPositive: (value: string) => boolean = isPositiveDecimal) {
  return {
    required: { required: true, message: t('po.required') },
    positive: {
      validator: (_: unknown, value: string | null | undefined) =>
        value === null || value === undefined || value === '' || isPositive(String(value))
          ? Promise.resolve()
          : Promise.reject(new Error(t('po.positive'))),
    },
  };
}
