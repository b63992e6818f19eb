import { describe, expect, it } from 'vitest';
import { approvalSteps, currentLevelLabel, currentStep, levelLabel, stepStatus } from '../approvals';
import type { Approval, ApprovalDecision, ApprovalLevel } from '../documentTypes';

const level = (name: string, zh: string | null, en: string | null): ApprovalLevel => ({
  name,
  name_zh: zh,
  name_en: en,
  approver_roles: ['purchasing_director'],
  approver_users: [],
  skippable: true,
});

const decision = (levelName: string, action: string): ApprovalDecision => ({
  level: levelName,
  actor: 'user:director',
  on_behalf_of: null,
  action,
  reason: action === 'reject' ? '价格过高' : null,
  at: '2026-12-01T10:00:00Z',
});

function approval(status: string, current: string | null, history: ApprovalDecision[]): Approval {
  return {
    id: 'r1',
    document: { id: 'd1', number: 'PO-2026-000002', type: 'purchase_order' },
    organisation: 'XD-EC',
    site: 'WH-SH',
    flow: 'purchase_order.group',
    status,
    amount: '87010.00',
    requested_by: 'user:east-manager',
    requested_at: '2026-12-01T09:00:00Z',
    current_level: current,
    levels: [level('strategic', '战略采购', 'Strategic purchasing'), level('tactical', '战术采购', null), level('store', null, null)],
    history,
    closed_at: null,
  };
}

describe('approval steps', () => {
  it('names levels in the console language, else the other one, else the code', () => {
    const [first, second, third] = approval('pending', 'strategic', []).levels;
    expect(levelLabel(first, 'zh-CN')).toBe('战略采购');
    expect(levelLabel(first, 'en')).toBe('Strategic purchasing');
    expect(levelLabel(second, 'en')).toBe('战术采购');
    expect(levelLabel(third, 'zh-CN')).toBe('store');
    expect(levelLabel(undefined, 'en', 'gone')).toBe('gone');
  });

  it('shows a new request waiting at its first level', () => {
    const request = approval('pending', 'strategic', []);
    const steps = approvalSteps(request, 'zh-CN');
    expect(steps.map((s) => s.state)).toEqual(['current', 'waiting', 'waiting']);
    expect(steps.map((s) => stepStatus(s.state))).toEqual(['process', 'wait', 'wait']);
    expect(currentStep(steps)).toBe(0);
    expect(currentLevelLabel(request, 'zh-CN')).toBe('战略采购');
  });

  it('keeps decided and skipped-ahead levels apart from the waiting one', () => {
    const steps = approvalSteps(approval('pending', 'store', [decision('strategic', 'approve'), decision('tactical', 'skip')]), 'en');
    expect(steps.map((s) => s.state)).toEqual(['approved', 'skipped', 'current']);
    expect(steps[0]?.decision?.actor).toBe('user:director');
    expect(currentStep(steps)).toBe(2);
  });

  it('closes the levels a rejection never reached', () => {
    const request = approval('rejected', null, [decision('strategic', 'approve'), decision('tactical', 'reject')]);
    const steps = approvalSteps(request, 'en');
    expect(steps.map((s) => s.state)).toEqual(['approved', 'rejected', 'closed']);
    expect(steps.map((s) => stepStatus(s.state))).toEqual(['finish', 'error', 'wait']);
    expect(currentStep(steps)).toBe(1);
    expect(currentLevelLabel(request, 'en')).toBe('');
  });

  it('names an unknown current level by its code', () => {
    expect(currentLevelLabel(approval('pending', 'extra', []), 'en')).toBe('extra');
  });
});
