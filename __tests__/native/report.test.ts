// What people read of an ECS-native deployment: the summary's stage timeline, rollback and pause sections,
// and promote's summary, as Markdown snapshots.
import type { DeploymentLifecycleHookDetail } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { newRecord } from '../../src/deploy/outcome.js'
import { nativePlan } from '../../src/native/config.js'
import type { NativeStep } from '../../src/native/step.js'
import { newTimeline, type NativeTimeline } from '../../src/native/timeline.js'
import { recordProgress } from '../../src/native/watch.js'
import {
  hookLine,
  nativeOutcomeMarkdown,
  nativePlanMarkdown,
  promoteSummary
} from '../../src/report/native.js'

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:web-smoke'
const SD = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc123'
const td = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const plan = nativePlan({
  strategy: 'CANARY',
  bakeTimeInMinutes: 10,
  canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
  lifecycleHooks: [
    { hookTargetArn: LAMBDA, roleArn: 'r', lifecycleStages: ['POST_SCALE_UP'] },
    {
      targetType: 'PAUSE',
      lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: 720 }
    }
  ]
})

function stepWith(timeline: NativeTimeline, extra: Partial<NativeStep> = {}): NativeStep {
  const record = newRecord(td(1), ['d-blue'])
  record.target = td(2)
  return {
    ctx: undefined as never,
    ecs: undefined as never,
    cluster: 'prod',
    service: 'web',
    plan,
    timeoutMs: 600_000,
    record,
    timeline,
    serviceDeploymentArn: SD,
    last: undefined,
    lastDeployment: undefined,
    pausedAt: undefined,
    rollback: undefined,
    awsError: undefined,
    cancelledBy: undefined,
    ...extra
  }
}

/** SCALE_UP at 0, POST_SCALE_UP with the Lambda hook from 40 s (answered at 70 s), the pause from 90 s. */
function walked(): NativeTimeline {
  const timeline = newTimeline(0)
  const say = () => undefined
  const lambda = (status: 'IN_PROGRESS' | 'SUCCEEDED'): DeploymentLifecycleHookDetail => ({
    hookId: 'ecs-hook-1',
    targetType: 'AWS_LAMBDA',
    targetArn: LAMBDA,
    status,
    timeoutAction: 'ROLLBACK'
  })
  recordProgress(timeline, { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' }, 0, plan, say)
  recordProgress(
    timeline,
    { status: 'IN_PROGRESS', lifecycleStage: 'POST_SCALE_UP', lifecycleHookDetails: [lambda('IN_PROGRESS')] },
    40_000,
    plan,
    say
  )
  recordProgress(
    timeline,
    { status: 'IN_PROGRESS', lifecycleStage: 'POST_SCALE_UP', lifecycleHookDetails: [lambda('SUCCEEDED')] },
    70_000,
    plan,
    say
  )
  recordProgress(
    timeline,
    {
      status: 'IN_PROGRESS',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      lifecycleHookDetails: [
        {
          hookId: 'ecs-pause-1',
          targetType: 'PAUSE' as const,
          status: 'AWAITING_ACTION' as const,
          timeoutAction: 'ROLLBACK' as const
        }
      ]
    },
    90_000,
    plan,
    say
  )
  return timeline
}

describe('the native summary', () => {
  it('paused: the stages so far, the hook that waits and what continues it', async () => {
    const timeline = walked()
    const pausedAt = timeline.stages[2]!.hooks[0]!
    const markdown = nativeOutcomeMarkdown(stepWith(timeline, { pausedAt }), 120_000)
    await expect(markdown).toMatchFileSnapshot('__snapshots__/paused.md')
  })

  it('promote: continued by this step, then ECS rolled back (the timeline and who answered)', async () => {
    const timeline = walked()
    const hook = timeline.stages[2]!.hooks[0]!
    hook.answer = 'CONTINUE: command: promote'
    recordProgress(
      timeline,
      { status: 'IN_PROGRESS', lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' },
      130_000,
      plan,
      () => undefined
    )
    recordProgress(
      timeline,
      { status: 'ROLLBACK_IN_PROGRESS', lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', statusReason: 'alarm' },
      400_000,
      plan,
      () => undefined
    )
    recordProgress(
      timeline,
      { status: 'ROLLBACK_SUCCESSFUL', lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' },
      445_000,
      plan,
      () => undefined
    )
    const step = stepWith(timeline, {
      rollback: {
        by: 'ecs',
        how: 'ECS rolled the deployment back',
        result: {
          outcome: 'rolled-back',
          reason: 'the rollback completed',
          serviceDeployment: undefined,
          paused: undefined,
          durationMs: 45_000,
          calls: 9
        }
      }
    })
    const summary = promoteSummary({
      step,
      status: 'rolled-back',
      failure: 'deployment failed: alarm; rolled back to web:1',
      state: 'rolled back by ECS: web:1 takes all traffic again (service deployment ROLLBACK_SUCCESSFUL)',
      region: 'us-east-1',
      now: 450_000
    })
    await expect(summary).toMatchFileSnapshot('__snapshots__/promote-rolled-back.md')
  })

  it('the dry run: strategy, hooks and where it pauses', async () => {
    await expect(nativePlanMarkdown(plan!, false)).toMatchFileSnapshot('__snapshots__/dry-run.md')
  })

  it('log lines: a PAUSE hook that waits says its timeout action', () => {
    expect(
      hookLine(
        {
          hookId: 'ecs-pause-1',
          targetType: 'PAUSE',
          target: undefined,
          stage: 'POST_TEST_TRAFFIC_SHIFT',
          timeoutAction: 'ROLLBACK',
          status: 'AWAITING_ACTION',
          seenAt: 0,
          changedAt: 0,
          answer: undefined
        },
        true
      )
    ).toBe(
      'the PAUSE hook ecs-pause-1 at POST_TEST_TRAFFIC_SHIFT waits for ContinueServiceDeployment (on timeout: ROLLBACK)'
    )
  })
})
