// ECS-native endings in the outcome's one home, and the pure parts of the native deploy: the plan of a
// deployment configuration, the hook and stage words, rollback-events on the native controller.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { RollbackEvents } from '../../src/contract.js'
import { decideOutcome, newRecord, type Observed, type ObservedDeployment } from '../../src/deploy/outcome.js'
import { ineffectiveRollbackEvents, ROLLBACK_EVENT_EFFECTS } from '../../src/deploy/rollback-events.js'
import { pickStrategy } from '../../src/ecs/strategy.js'
import { describeStrategy, effectiveConfiguration, nativePlan } from '../../src/native/config.js'
import { newTimeline } from '../../src/native/timeline.js'
import { recordProgress, rollbackCause } from '../../src/native/watch.js'
import { repoRoot } from '../helpers/run-action.js'

const td = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const dep = (id: string, rev: number, extra: Partial<ObservedDeployment> = {}): ObservedDeployment => ({
  id,
  status: 'PRIMARY',
  taskDefinition: td(rev),
  rolloutState: 'COMPLETED',
  running: 2,
  desired: 2,
  createdAt: undefined,
  ...extra
})
const record = () => {
  const r = newRecord(td(1), ['d-blue'])
  r.registered = td(2)
  r.target = td(2)
  r.update = { deploymentId: 'd-green', created: false }
  return r
}
/** ECS put blue back as PRIMARY (still COMPLETED from before); the service deployment says how far it got. */
const rolledBack = (status: string): Observed => ({
  taskDefinition: td(1),
  deployments: [dep('d-blue', 1), dep('d-green', 2, { status: 'ACTIVE', rolloutState: 'FAILED' })],
  serviceDeployment: { status }
})

describe('decideOutcome with ECS-native endings', () => {
  it('paused: exit 0, the state names the hook and what continues it', () => {
    const out = decideOutcome({
      record: record(),
      ending: {
        kind: 'paused',
        serviceDeploymentArn: 'arn:sd',
        hookId: 'ecs-pause-1',
        stage: 'POST_TEST_TRAFFIC_SHIFT'
      },
      live: { taskDefinition: td(2), deployments: [dep('d-green', 2, { rolloutState: 'IN_PROGRESS' })] }
    })
    expect(out).toMatchObject({ status: 'paused', failure: undefined })
    expect(out.state).toBe(
      'deployment d-green of web:2 waits at the PAUSE hook ecs-pause-1 (POST_TEST_TRAFFIC_SHIFT): command: promote continues it, command: rollback rolls it back'
    )
  })

  it('an ECS rollback is rolling-back until the service deployment says ROLLBACK_SUCCESSFUL, whatever rolloutState says', () => {
    const ending = {
      kind: 'ecs-rollback',
      reason: 'the Lambda hook x at POST_SCALE_UP answered FAILED',
      deploymentId: 'd-blue'
    } as const
    const during = decideOutcome({ record: record(), ending, live: rolledBack('ROLLBACK_IN_PROGRESS') })
    expect(during.status).toBe('rolling-back')
    expect(during.failure).toBe(
      'deployment failed: the Lambda hook x at POST_SCALE_UP answered FAILED; still rolling back to web:1'
    )
    expect(during.state).toBe(
      'rolling back to web:1 (service deployment ROLLBACK_IN_PROGRESS, started by ECS); ECS continues it'
    )
    const done = decideOutcome({ record: record(), ending, live: rolledBack('ROLLBACK_SUCCESSFUL') })
    expect(done.status).toBe('rolled-back')
    expect(done.failure).toBe(
      'deployment failed: the Lambda hook x at POST_SCALE_UP answered FAILED; rolled back to web:1'
    )
    const broke = decideOutcome({ record: record(), ending, live: rolledBack('ROLLBACK_FAILED') })
    expect(broke.status).toBe('failed')
  })

  it('command: rollback of a paused deployment completes only at ROLLBACK_SUCCESSFUL', () => {
    const r = newRecord(td(2), ['d-green', 'd-blue'])
    r.rollback = { to: td(1), deploymentId: 'd-blue', trigger: 'request' }
    r.target = td(1)
    const now = (status: string) =>
      decideOutcome({ record: r, ending: { kind: 'not-waited' }, live: rolledBack(status) }).status
    expect(now('ROLLBACK_IN_PROGRESS')).toBe('started')
    expect(now('ROLLBACK_SUCCESSFUL')).toBe('rolled-back')
  })
})

describe('the native plan', () => {
  it('fills the API defaults of hooks and lists the stages that pause', () => {
    const plan = nativePlan({
      strategy: 'LINEAR',
      bakeTimeInMinutes: 3,
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 },
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT']
        },
        {
          hookTargetArn: 'arn:aws:lambda:us-east-1:1:function:f',
          roleArn: 'r',
          lifecycleStages: ['POST_SCALE_UP'],
          timeoutConfiguration: { timeoutInMinutes: 5, action: 'CONTINUE' }
        }
      ]
    })!
    expect(plan.pauses).toEqual(['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'])
    expect(plan.hooks[0]).toEqual({
      targetType: 'PAUSE',
      target: undefined,
      stages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'],
      timeoutMinutes: 1440,
      timeoutAction: 'ROLLBACK'
    })
    expect(plan.hooks[1]).toMatchObject({
      targetType: 'AWS_LAMBDA',
      timeoutMinutes: 5,
      timeoutAction: 'CONTINUE'
    })
    expect(describeStrategy(plan)).toBe('LINEAR; production traffic in steps of 25%, 2m apart; bake time 3m')
    expect(nativePlan({ strategy: 'ROLLING' })).toBeUndefined()
  })

  it('pickStrategy: native for BLUE_GREEN, LINEAR, CANARY on the ECS controller, from the definition first', () => {
    expect(pickStrategy({ deploymentConfiguration: { strategy: 'CANARY' } }, undefined)).toBe('native')
    expect(
      pickStrategy(
        { deploymentConfiguration: { strategy: 'BLUE_GREEN' } },
        { deploymentConfiguration: { strategy: 'ROLLING' } }
      )
    ).toBe('rolling')
    expect(
      pickStrategy(
        { deploymentConfiguration: { strategy: 'ROLLING' } },
        { deploymentConfiguration: { strategy: 'LINEAR' } }
      )
    ).toBe('native')
    // A definition that leaves the strategy out keeps the live one (UpdateService merges the fields).
    expect(effectiveConfiguration({ strategy: 'BLUE_GREEN' }, { maximumPercent: 200 })?.strategy).toBe(
      'BLUE_GREEN'
    )
    expect(pickStrategy({ deploymentController: { type: 'CODE_DEPLOY' } }, undefined)).toBe('codedeploy')
  })
})

describe('the timeline', () => {
  it('a hook last seen IN_PROGRESS whose stage ended succeeded (ROLLBACK timeout action); ROLLBACK names the failed hook', () => {
    const timeline = newTimeline(0)
    const lines: string[] = []
    const lambda = 'arn:aws:lambda:us-east-1:1:function:check'
    recordProgress(
      timeline,
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'POST_SCALE_UP',
        lifecycleHookDetails: [
          {
            hookId: 'h1',
            targetType: 'AWS_LAMBDA',
            targetArn: lambda,
            status: 'IN_PROGRESS',
            timeoutAction: 'ROLLBACK'
          }
        ]
      },
      1000,
      undefined,
      l => lines.push(l)
    )
    recordProgress(
      timeline,
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [
          {
            hookId: 'h2',
            targetType: 'AWS_LAMBDA',
            targetArn: lambda,
            status: 'FAILED',
            timeoutAction: 'ROLLBACK'
          }
        ]
      },
      5000,
      undefined,
      l => lines.push(l)
    )
    expect(lines).toEqual([
      'stage POST_SCALE_UP',
      `the Lambda hook ${lambda} at POST_SCALE_UP: IN_PROGRESS`,
      `the Lambda hook ${lambda} at POST_SCALE_UP answered SUCCEEDED (the deployment moved on)`,
      'stage POST_TEST_TRAFFIC_SHIFT',
      `the Lambda hook ${lambda} at POST_TEST_TRAFFIC_SHIFT answered FAILED`
    ])
    expect(timeline.stages.map(s => [s.stage, s.startedAt, s.endedAt])).toEqual([
      ['POST_SCALE_UP', 1000, 5000],
      ['POST_TEST_TRAFFIC_SHIFT', 5000, undefined]
    ])
    expect(rollbackCause(timeline, { status: 'ROLLBACK_IN_PROGRESS' })).toBe(
      `the Lambda hook ${lambda} at POST_TEST_TRAFFIC_SHIFT answered FAILED`
    )
  })
})

describe('rollback-events on the native controller', () => {
  it('every value has an entry; DEPLOYMENT_STOP_ON_ALARM does nothing and says where alarms go; README has the column', () => {
    expect(Object.keys(ROLLBACK_EVENT_EFFECTS.native).sort()).toEqual([...RollbackEvents].sort())
    expect(ineffectiveRollbackEvents('native', [...RollbackEvents])).toEqual([
      'rollback-events: DEPLOYMENT_STOP_ON_ALARM does nothing for an ECS-native blue/green, linear or canary deployment; an ECS-native deployment stops on alarms through the service definition: set deploymentConfiguration.alarms with rollback: true'
    ])
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('### `rollback-events` on each controller'))
    expect(table.split('\n')[2]).toMatch(/\| ECS-native blue\/green, linear, canary +\|$/)
    expect(table).toMatch(
      /\| `DEPLOYMENT_STOP_ON_REQUEST` \|.*\| on SIGINT\/SIGTERM, also while paused: `StopServiceDeployment` `ROLLBACK`/
    )
  })
})
