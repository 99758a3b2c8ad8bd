import { describe, expect, it } from '@jest/globals'
import { parseRollbackTarget } from '../../src/commands/rollback.js'
import { appSpecTaskDefinition } from '../../src/commands/rollback-codedeploy.js'
import { desiredCountWarning } from '../../src/deploy/desired-count.js'
import { decideOutcome, newRecord, type Observed } from '../../src/deploy/outcome.js'
import { previousRevision, revisionOf, revisionsBeyond } from '../../src/ecs/revisions.js'
import { planDesiredCount } from '../../src/ecs/service-input.js'
import { ActionError } from '../../src/errors.js'
import { parseInputs } from '../../src/inputs.js'

const arn = (family: string, revision: number) =>
  `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`

describe('previousRevision (as ecspresso picks the rollback target)', () => {
  const active = [arn('web', 9), arn('web', 7), arn('web', 4), arn('web', 2)]
  it('is the newest ACTIVE revision older than the current one', () => {
    expect(previousRevision(active, arn('web', 7))).toBe(arn('web', 4))
    expect(previousRevision(active, arn('web', 9))).toBe(arn('web', 7))
  })
  it('still finds one when the current revision was deregistered already', () => {
    expect(previousRevision(active, arn('web', 8))).toBe(arn('web', 7))
  })
  it('is undefined for the oldest, and ignores other families', () => {
    expect(previousRevision(active, arn('web', 2))).toBeUndefined()
    expect(previousRevision([arn('web-worker', 3)], arn('web', 5))).toBeUndefined()
  })
  it('revisionOf reads the number after the last colon', () => {
    expect(revisionOf(arn('web', 12))).toBe(12)
    expect(revisionOf('web')).toBeNaN()
  })
})

describe('revisionsBeyond (keep-revisions)', () => {
  const active = [5, 4, 3, 2, 1].map(n => arn('web', n))
  it('lets go of everything beyond the newest N, never a protected one', () => {
    expect(revisionsBeyond(active, 2, [arn('web', 5), arn('web', 2)])).toEqual([arn('web', 3), arn('web', 1)])
    expect(revisionsBeyond(active, 10, [])).toEqual([])
  })
})

describe('parseRollbackTarget', () => {
  it('reads a revision number, family:revision and an ARN', () => {
    expect(parseRollbackTarget('12')).toEqual({ kind: 'revision', revision: 12 })
    expect(parseRollbackTarget('web:3')).toEqual({ kind: 'reference', reference: 'web:3' })
    expect(parseRollbackTarget(arn('web', 3))).toEqual({ kind: 'reference', reference: arn('web', 3) })
    expect(parseRollbackTarget(undefined)).toBeUndefined()
  })
  it.each(['./td.json', 'web', '0', 'web:latest'])('refuses %s, naming the input', text => {
    expect(() => parseRollbackTarget(text)).toThrow(ActionError)
    try {
      parseRollbackTarget(text)
    } catch (error) {
      expect((error as ActionError).describe()).toContain('task-definition')
    }
  })
})

describe('planDesiredCount with the desired-count input', () => {
  const live = { desiredCount: 2 }
  it('overrides the file', () => {
    expect(planDesiredCount({ desiredCount: 5 }, live, undefined, 3)).toEqual({
      send: 3,
      reason: 'input',
      requested: 3
    })
  })
  it('is clamped into the auto scaling range, and the warning says so', () => {
    const plan = planDesiredCount({ desiredCount: 5 }, live, { min: 1, max: 4 }, 9)
    expect(plan).toEqual({ send: 4, reason: 'auto-scaling', requested: 9 })
    expect(desiredCountWarning(plan, { min: 1, max: 4 })).toContain(
      'outside the auto scaling range (min 1, max 4): 4'
    )
    expect(
      desiredCountWarning(planDesiredCount({}, live, { min: 1, max: 4 }, 3), { min: 1, max: 4 })
    ).toBeUndefined()
  })
  it('does not apply to a DAEMON service, with a warning', () => {
    const plan = planDesiredCount({ schedulingStrategy: 'DAEMON' }, live, undefined, 3)
    expect(plan.send).toBeUndefined()
    expect(desiredCountWarning(plan, undefined)).toContain('DAEMON')
  })
})

describe('decideOutcome for a requested rollback', () => {
  const observed = (rolloutState: string, id = 'ecs-svc/2'): Observed => ({
    taskDefinition: arn('web', 1),
    deployments: [
      {
        id,
        status: 'PRIMARY',
        taskDefinition: arn('web', 1),
        rolloutState,
        running: 2,
        desired: 2,
        createdAt: undefined
      }
    ]
  })
  const record = () => {
    const r = newRecord(arn('web', 2), ['ecs-svc/1'])
    r.rollback = { to: arn('web', 1), deploymentId: 'ecs-svc/2', trigger: 'request' }
    return r
  }
  it('a completed rollback succeeds (exit 0) as rolled-back', () => {
    const out = decideOutcome({
      record: record(),
      ending: { kind: 'completed' },
      live: observed('COMPLETED')
    })
    expect(out).toMatchObject({ status: 'rolled-back', failure: undefined, running: arn('web', 1) })
  })
  it('a rollback that timed out or failed fails the step', () => {
    expect(
      decideOutcome({
        record: record(),
        ending: { kind: 'timed-out', reason: 'slow' },
        live: observed('IN_PROGRESS')
      }).status
    ).toBe('timed-out')
    const failed = decideOutcome({
      record: record(),
      ending: { kind: 'failed', reason: 'boom' },
      live: observed('FAILED')
    })
    expect(failed.status).toBe('failed')
    expect(failed.failure).toContain('the rollback to web:1 failed')
  })
  it('not waited for: started; taken over by another deployment: superseded', () => {
    expect(
      decideOutcome({ record: record(), ending: { kind: 'not-waited' }, live: observed('IN_PROGRESS') })
        .status
    ).toBe('started')
    expect(
      decideOutcome({
        record: record(),
        ending: { kind: 'superseded' },
        live: observed('IN_PROGRESS', 'ecs-svc/9')
      }).status
    ).toBe('superseded')
  })
})

describe('the CodeDeploy AppSpec', () => {
  it('names the task definition a deployment deploys', () => {
    const yaml = `version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: ${arn('web', 3)}\n`
    expect(appSpecTaskDefinition(yaml)).toBe(arn('web', 3))
    expect(appSpecTaskDefinition('{not yaml')).toBeUndefined()
  })
})

describe('inputs', () => {
  const read = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  it('parses desired-count, keep-revisions, deregister and task-definition', () => {
    const inputs = parseInputs(
      read({
        command: 'rollback',
        'desired-count': '0',
        'keep-revisions': '5',
        deregister: 'false',
        'task-definition': '7'
      })
    )
    expect(inputs).toMatchObject({
      command: 'rollback',
      desiredCount: 0,
      keepRevisions: 5,
      deregister: false,
      taskDefinition: '7'
    })
    expect(parseInputs(read({})).deregister).toBe(true)
  })
  it('reports bad counts each naming its input', () => {
    let described = ''
    try {
      parseInputs(read({ 'desired-count': '-1', 'keep-revisions': '0' }))
    } catch (error) {
      described = (error as ActionError).describe()
    }
    expect(described).toMatch(/2 problems found[\s\S]*desired-count[\s\S]*keep-revisions/)
  })
})
