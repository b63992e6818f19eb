/** Data loading for pages: one request per change of its inputs, stale answers ignored. */
import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { ApiError } from './api';
import type { Problem } from './problem';

export interface Loaded<T> {
  data: T | null;
  loading: boolean;
  problem: Problem | null;
  reload: () => void;
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setProblem(null);
    load(controller.signal)
      .then((value) => {
        if (!controller.signal.aborted) setData(value);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setData(null);
        if (error instanceof ApiError) setProblem(error.problem);
        else setProblem({ type: 'about:blank', title: String(error), status: 0, code: 'client.error' });
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
    // `load` is a fresh closure each render; the caller's `deps` say when it really changes.
  }, [...deps, round]);

  return { data, loading, problem, reload };
}
