/** An approval request's levels as steps: who decided what, what is waiting (pure). */
import type { Approval, ApprovalDecision, ApprovalLevel } from './documentTypes';
import type { Lang } from './i18n';

/**
 * decided: approved, rejected or skipped (a later level may be skipped ahead of time);
 * current: the level waiting for a decision; waiting: a later level of a pending request;
 * closed: never reached (the request was rejected or withdrawn first).
 */
export type LevelState = 'approved' | 'rejected' | 'skipped' | 'current' | 'waiting' | 'closed';

export interface LevelStep {
  level: ApprovalLevel;
  label: string;
  state: LevelState;
  decision: ApprovalDecision | null;
}

const DECIDED: Readonly<Record<string, LevelState>> = { approve: 'approved', reject: 'rejected', skip: 'skipped' };

/** A level's name in the console language, else the other language, else its code. */
export function levelLabel(level: ApprovalLevel | undefined, lang: Lang, fallback = ''): string {
  if (!level) return fallback;
  const [first, second] = lang === 'zh-CN' ? [level.name_zh, level.name_en] : [level.name_en, level.name_zh];
  return first || second || level.name;
}

/** The name of the level now waiting (its code when the flow does not know it); '' once decided. */
export function currentLevelLabel(approval: Approval, lang: Lang): string {
  const code = approval.current_level;
  if (!code) return '';
  return levelLabel(approval.levels.find((level) => level.name === code), lang, code);
}

export function approvalSteps(approval: Approval, lang: Lang): LevelStep[] {
  return approval.levels.map((level) => {
    const decision = approval.history.filter((entry) => entry.level === level.name).at(-1) ?? null;
    let state: LevelState;
    if (decision) state = DECIDED[decision.action] ?? 'approved';
    else if (approval.status !== 'pending') state = 'closed';
    else state = level.name === approval.current_level ? 'current' : 'waiting';
    return { level, label: levelLabel(level, lang), state, decision };
  });
}

/** AntD `Steps` status of a level. */
export function stepStatus(state: LevelState): 'wait' | 'process' | 'finish' | 'error' {
  switch (state) {
    case 'approved':
    case 'skipped':
      return 'finish';
    case 'rejected':
      return 'error';
    case 'current':
      return 'process';
    default:
      return 'wait';
  }
}

/** Index of the active step for `Steps.current`: the waiting level, else the last decided one. */
export function currentStep(steps: readonly LevelStep[]): number {
  const waiting = steps.findIndex((step) => step.state === 'current');
  if (waiting >= 0) return waiting;
  const decided = steps.map((step) => step.decision !== null);
  return Math.max(0, decided.lastIndexOf(true));
}
