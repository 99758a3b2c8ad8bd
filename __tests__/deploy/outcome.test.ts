// The outcome function on its own: a record of writes and an observed service in, status and words out.
import { describe, expect, it } from '@jest/globals'
import {
  decideOutcome,
  newRecord,
  type Ending,
  type Observed,
  type ObservedDeployment,
  type WriteRecord
} from '../../src/deploy/outcome.js'
import { ineffectiveRollbackEvents, ROLLBACK_EVENT_EFFECTS } from '../../src/deploy/rollback-events.js'
import { RollbackEvents } from '../../src/contract.js'

const td = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const dep = (id: string, rev: number, extra: Partial<ObservedDeployment> = {}): ObservedDeployment => ({
  id,
  status: 'PRIMARY',
  taskDefinition: td(rev),
  rolloutState: 'IN_PROGRESS',
  running: 1,
  desired: 2,
  createdAt: new Date('2025-01-01T00:01:00Z'),
  ...extra
})
const live = (...deployments: ObservedDeployment[]): Observed => ({
  taskDefinition: deployments.find(d => d.status === 'PRIMARY')?.taskDefinition,
  deployments
})

/** web:1 ran (deployment d-old); this step registered web:2 and started d-ours. */
function updated(extra: Partial<WriteRecord> = {}): WriteRecord {
  const record = newRecord(td(1), ['d-old'])
  record.registered = td(2)
  record.target = td(2)
  record.update = { deploymentId: 'd-ours', created: false }
  return Object.assign(record, extra)
}

const decide = (record: WriteRecord, ending: Ending, observed: Observed | undefined, cancelledBy?: string) =>
  decideOutcome({ record, ending, live: observed, cancelledBy })

describe('decideOutcome', () => {
  it('succeeded: our deployment completed, web:2 runs', () => {
    const out = decide(
      updated(),
      { kind: 'completed' },
      live(dep('d-ours', 2, { rolloutState: 'COMPLETED', running: 2 }))
    )
    expect(out).toMatchObject({ status: 'succeeded', failure: undefined, running: td(2) })
    expect(out.state).toBe('web:2 runs (deployment d-ours completed)')
  })

  it('started: wait false, the deployment is under way', () => {
    const out = decide(
      updated(),
      { kind: 'not-waited' },
      live(dep('d-ours', 2), dep('d-old', 1, { status: 'ACTIVE' }))
    )
    expect(out.status).toBe('started')
    expect(out.failure).toBeUndefined()
    expect(out.state).toMatch(/deployment d-ours of web:2 started \(running 1\/2\); this step did not wait/)
  })

  it.each<[string, Ending]>([
    ['completed', { kind: 'completed' }],
    ['failed', { kind: 'failed', reason: 'tasks failed' }],
    ['timed-out', { kind: 'timed-out', reason: 'too slow' }],
    ['cancelled', { kind: 'cancelled', signal: 'SIGINT' }],
    ['superseded', { kind: 'superseded' }]
  ])('superseded whatever the ending (%s) once another deployment is PRIMARY', (_, ending) => {
    const other = dep('d-other', 3)
    const out = decide(updated(), ending, live(other, dep('d-ours', 2, { status: 'ACTIVE' })))
    expect(out.status).toBe('superseded')
    expect(out.supersededBy).toEqual(other)
    expect(out.running).toBe(td(3))
    expect(out.failure).toBe(
      'superseded: deployment d-other of web:3 took over from ours (d-ours of web:2); this step made no change after that'
    )
  })

  it('not superseded by the deployments the service had before, when the update was never sent', () => {
    const record = newRecord(td(1), ['d-old'])
    record.registered = td(2)
    record.target = td(2)
    const out = decide(
      record,
      {
        kind: 'error',
        message: 'UpdateService: InvalidParameterException: bad',
        hint: undefined,
        deniedAction: undefined
      },
      live(dep('d-old', 1, { rolloutState: 'COMPLETED' }))
    )
    expect(out).toMatchObject({
      status: 'failed',
      running: td(1),
      failure: 'UpdateService: InvalidParameterException: bad'
    })
    expect(out.state).toBe('web:1 still runs: the service was not updated')
  })

  it('ECS circuit breaker rollback: rolled-back only once the rollback deployment completed', () => {
    const ending: Ending = { kind: 'ecs-rollback', reason: 'circuit breaker', deploymentId: 'd-cb' }
    const done = decide(updated(), ending, live(dep('d-cb', 1, { rolloutState: 'COMPLETED', running: 2 })))
    expect(done.status).toBe('rolled-back')
    expect(done.running).toBe(td(1))
    expect(done.failure).toBe('deployment failed: circuit breaker; rolled back to web:1')
    const going = decide(
      updated(),
      ending,
      live(dep('d-cb', 1, { running: 0 }), dep('d-ours', 2, { status: 'ACTIVE', rolloutState: 'FAILED' }))
    )
    expect(going.status).toBe('rolling-back')
    expect(going.failure).toBe('deployment failed: circuit breaker; still rolling back to web:1')
    expect(going.state).toMatch(/^rolling back to web:1 \(deployment d-cb started by ECS, running 0\/2\)/)
    const broke = decide(updated(), ending, live(dep('d-cb', 1, { rolloutState: 'FAILED' })))
    expect(broke.status).toBe('failed')
    expect(broke.failure).toMatch(/the rollback to web:1 failed too/)
  })

  it("this step's rollback: rolled-back when it completed, rolling-back while it runs", () => {
    const record = updated({ rollback: { to: td(1), deploymentId: 'd-back', trigger: 'failure' } })
    const ending: Ending = { kind: 'timed-out', reason: 'did not finish within 3m' }
    expect(decide(record, ending, live(dep('d-back', 1, { rolloutState: 'COMPLETED' }))).status).toBe(
      'rolled-back'
    )
    const going = decide(record, ending, live(dep('d-back', 1)))
    expect(going.status).toBe('rolling-back')
    expect(going.failure).toBe('deployment timed out: did not finish within 3m; still rolling back to web:1')
  })

  it('cancelled: says where the deployment stands, with or without the rollback sent', () => {
    const left = decide(updated(), { kind: 'cancelled', signal: 'SIGINT' }, live(dep('d-ours', 2)))
    expect(left.status).toBe('cancelled')
    expect(left.failure).toBe(
      'cancelled by SIGINT: deployment d-ours of web:2 is still in progress in ECS (running 1/2, IN_PROGRESS); ECS continues it without this step'
    )
    const record = updated({ rollback: { to: td(1), deploymentId: 'd-back', trigger: 'cancel' } })
    const back = decide(
      record,
      { kind: 'cancelled', signal: 'SIGTERM' },
      live(dep('d-back', 1, { running: 0 }))
    )
    expect(back.status).toBe('cancelled')
    expect(back.running).toBe(td(1))
    expect(back.state).toMatch(/^rolling back to web:1 \(deployment d-back started by this step/)
  })

  it('cancelled while following a rollback is cancelled, not rolling-back', () => {
    const ending: Ending = { kind: 'ecs-rollback', reason: 'circuit breaker', deploymentId: 'd-cb' }
    const out = decide(updated(), ending, live(dep('d-cb', 1)), 'SIGINT')
    expect(out.status).toBe('cancelled')
    expect(out.failure).toMatch(/^cancelled by SIGINT: rolling back to web:1/)
  })

  it('cancelled before any write: nothing was changed', () => {
    const out = decide(newRecord(td(1)), { kind: 'cancelled', signal: 'SIGINT' }, undefined)
    expect(out).toMatchObject({
      status: 'cancelled',
      failure: 'cancelled by SIGINT: nothing was changed',
      running: td(1)
    })
  })

  it('a denied read mid-watch: failed, the deployment continues, the IAM action named', () => {
    const out = decide(
      updated(),
      {
        kind: 'error',
        message: 'DescribeServices: AccessDeniedException: no',
        hint: 'the deploy role needs ecs:DescribeServices',
        deniedAction: 'ecs:DescribeServices'
      },
      undefined
    )
    expect(out.status).toBe('failed')
    expect(out.running).toBe(td(2))
    expect(out.state).toBe('deployment d-ours of web:2 could not be read; it continues in ECS')
    expect(out.warnings).toEqual([
      'the deploy role may not call ecs:DescribeServices: this step could not follow the deployment, which continues in ECS'
    ])
  })

  it('a partial failure (tags) is a warning; the rollout decides the status', () => {
    const record = updated()
    record.partial.push({
      operation: 'TagResource',
      message: 'AccessDeniedException: no',
      hint: 'needs ecs:TagResource'
    })
    const out = decide(record, { kind: 'completed' }, live(dep('d-ours', 2, { rolloutState: 'COMPLETED' })))
    expect(out.status).toBe('succeeded')
    expect(out.warnings).toEqual([
      'TagResource failed after the deployment started: AccessDeniedException: no (needs ecs:TagResource)'
    ])
  })
})

describe('rollback-events on each controller', () => {
  it('every value has an entry for both controllers; only DEPLOYMENT_STOP_ON_ALARM does nothing on rolling', () => {
    for (const controller of ['rolling', 'codedeploy'] as const) {
      expect(Object.keys(ROLLBACK_EVENT_EFFECTS[controller]).sort()).toEqual([...RollbackEvents].sort())
    }
    expect(ineffectiveRollbackEvents('rolling', [...RollbackEvents])).toEqual([
      'rollback-events: DEPLOYMENT_STOP_ON_ALARM does nothing for a rolling (ECS controller) deployment; a rolling deployment stops on alarms through the service definition: set deploymentConfiguration.alarms with rollback: true'
    ])
    expect(ineffectiveRollbackEvents('codedeploy', [...RollbackEvents])).toEqual([])
  })
})
