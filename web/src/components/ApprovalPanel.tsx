/** An approval request: its levels as steps (decided, skipped, waiting) and every decision. */
import { Descriptions, Space, Steps, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { approvalSteps, currentStep, levelLabel, stepStatus, type LevelStep } from '../approvals';
import { useI18n } from '../context';
import { actorName } from '../documents';
import type { Approval, ApprovalDecision } from '../documentTypes';
import { BLANK, formatTime } from '../format';
import { codeLabel, type Lang } from '../i18n';
import { ApprovalStatusTag } from './DocumentTags';
import { Amount } from './MaskedValue';

function approvers(step: LevelStep, lang: Lang): string {
  const roles = step.level.approver_roles.map((role) => codeLabel(lang, 'userRole', role));
  return [...roles, ...step.level.approver_users.map(actorName)].join('、');
}

export function ApprovalPanel({ approval }: { approval: Approval }) {
  const { lang, t } = useI18n();
  const steps = approvalSteps(approval, lang);

  const columns = useMemo<ColumnsType<ApprovalDecision>>(
    () => [
      {
        title: t('approval.level'),
        dataIndex: 'level',
        render: (code: string) => levelLabel(approval.levels.find((level) => level.name === code), lang, code),
      },
      {
        title: t('approval.action'),
        dataIndex: 'action',
        render: (action: string) => codeLabel(lang, 'decision', action),
      },
      {
        title: t('approval.actor'),
        key: 'actor',
        render: (_: unknown, d) =>
          d.on_behalf_of
            ? `${actorName(d.actor)} (${t('approval.onBehalfOf', { who: actorName(d.on_behalf_of) })})`
            : actorName(d.actor),
      },
      { title: t('approval.reason'), dataIndex: 'reason', render: (reason: string | null) => reason || BLANK },
      { title: t('approval.at'), dataIndex: 'at', render: (at: string) => formatTime(at, lang) },
    ],
    [approval.levels, lang, t],
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="approval-panel">
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('approval.status')}>
          <ApprovalStatusTag status={approval.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('approval.amount')}>
          <Amount value={approval.amount} />
        </Descriptions.Item>
        <Descriptions.Item label={t('approval.requestedBy')}>{actorName(approval.requested_by)}</Descriptions.Item>
        <Descriptions.Item label={t('approval.requestedAt')}>{formatTime(approval.requested_at, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('approval.flow')}>
          <Typography.Text type="secondary">{approval.flow}</Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Steps
        data-testid="approval-steps"
        size="small"
        current={currentStep(steps)}
        items={steps.map((step) => ({
          title: step.label,
          status: stepStatus(step.state),
          subTitle: step.decision
            ? codeLabel(lang, 'decision', step.decision.action)
            : step.state === 'current'
              ? t('approval.current')
              : undefined,
          description: step.decision ? (
            <span data-testid={`approval-step-${step.state}`}>
              {actorName(step.decision.actor)} · {formatTime(step.decision.at, lang)}
            </span>
          ) : (
            <span data-testid={`approval-step-${step.state}`}>
              {t('approval.approvers', { who: approvers(step, lang) })}
            </span>
          ),
        }))}
      />
      {approval.history.length > 0 && (
        <Table<ApprovalDecision>
          data-testid="approval-decisions"
          rowKey={(d) => `${d.level}-${d.at}`}
          size="small"
          columns={columns}
          dataSource={approval.history}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      )}
    </Space>
  );
}
