// The pure parts of `command: run`: the outcome decision, the RunTask settings taken from the service
// definition, the checks made before any write, the overrides input, and the run inputs.
import { describe, expect, it } from '@jest/globals'
import {
  decideTaskOutcome,
  newTaskRecord,
  type ObservedTask,
  type TaskEnding
} from '../../src/deploy/task-outcome.js'
import { runFindings, runSettings, runTaskInput, watchedContainer } from '../../src/ecs/run-task.js'
import { parseOverrides } from '../../src/ecs/run-overrides.js'
import { ActionError } from '../../src/errors.js'
import { parseInputs } from '../../src/inputs.js'

const A = 'arn:aws:ecs:us-east-1:123456789012:task/prod/aaaaaaaaaaaa1111'
const B = 'arn:aws:ecs:us-east-1:123456789012:task/prod/bbbbbbbbbbbb2222'

const stopped = (
  arn: string,
  exitCode: number | undefined,
  extra: Partial<ObservedTask> = {}
): ObservedTask => ({
  arn,
  lastStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  startedAt: new Date(0),
  stoppedAt: new Date(1000),
  container: { name: 'app', exitCode, reason: undefined, lastStatus: 'STOPPED' },
  ...extra
})
const running = (arn: string): ObservedTask => ({
  ...stopped(arn, undefined),
  lastStatus: 'RUNNING',
  stopCode: undefined,
  stoppedReason: undefined,
  stoppedAt: undefined
})

function decide(
  ending: TaskEnding,
  tasks: ObservedTask[],
  started = tasks.map(t => t.arn),
  stoppedArns: string[] = []
) {
  const record = newTaskRecord()
  record.started = started
  record.stopped = stoppedArns.map(arn => ({ arn, reason: 'r' }))
  return decideTaskOutcome({ record, ending, tasks })
}

describe('decideTaskOutcome', () => {
  const done: TaskEnding = { kind: 'completed', until: 'stopped' }

  it('exit 0: succeeded, exit code 0', () => {
    expect(decide(done, [stopped(A, 0)])).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      failure: undefined
    })
  })

  it('exit 3: failed, exit code 3, the headline names the container', () => {
    expect(decide(done, [stopped(A, 3)])).toMatchObject({
      status: 'failed',
      exitCode: 3,
      failure: 'app exited with code 3'
    })
  })

  it('several tasks: the first non-zero exit code, the failing task named', () => {
    const o = decide(done, [stopped(A, 0), stopped(B, 2)])
    expect(o).toMatchObject({
      status: 'failed',
      exitCode: 2,
      failure: 'task bbbbbbbbbbbb2222: app exited with code 2'
    })
  })

  it('never started: failed with the stopped reason, no exit code', () => {
    const o = decide(done, [
      stopped(A, undefined, {
        startedAt: undefined,
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: not found'
      })
    ])
    expect(o).toMatchObject({
      status: 'failed',
      exitCode: undefined,
      failure: 'never started: CannotPullContainerError: not found'
    })
  })

  it('timed out and stopped: timed-out, says StopTask was sent', () => {
    const o = decide({ kind: 'timed-out', after: '5m' }, [running(A)], [A], [A])
    expect(o.status).toBe('timed-out')
    expect(o.failure).toBe('timed out after 5m waiting for 1 task: StopTask sent for 1 of 1 task')
  })

  it('cancelled before any task: nothing was started', () => {
    expect(decide({ kind: 'cancelled', signal: 'SIGINT' }, [], [])).toMatchObject({
      status: 'cancelled',
      failure: 'cancelled by SIGINT: no task was started'
    })
  })

  it('cancelled, StopTask failed: says the task may still run', () => {
    const o = decide({ kind: 'cancelled', signal: 'SIGTERM' }, [running(A), running(B)], [A, B], [A])
    expect(o.failure).toBe(
      'cancelled by SIGTERM: StopTask sent for 1 of 2 tasks; 1 could not be stopped and may still run'
    )
  })

  it('wait-until running: a task that stopped before running fails the step', () => {
    expect(decide({ kind: 'completed', until: 'running' }, [running(A)]).status).toBe('succeeded')
    expect(decide({ kind: 'completed', until: 'running' }, [stopped(A, 1)]).status).toBe('failed')
  })

  it('not waited: started; nothing placed: failed with the reason', () => {
    expect(decide({ kind: 'not-waited' }, [running(A)]).status).toBe('started')
    const record = newTaskRecord()
    record.runFailures = [{ arn: undefined, reason: 'RESOURCE:MEMORY' }]
    expect(decideTaskOutcome({ record, ending: { kind: 'not-placed' }, tasks: [] })).toMatchObject({
      status: 'failed',
      failure: 'RunTask started no task: RESOURCE:MEMORY'
    })
  })
})

describe('RunTask settings from the service definition (as ecspresso copies them)', () => {
  const network = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } }

  it('network, launch type, platform version, placement, managed tags, execute command, tags', () => {
    const settings = runSettings(
      {
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        networkConfiguration: network,
        enableECSManagedTags: true,
        enableExecuteCommand: true,
        propagateTags: 'SERVICE',
        tags: [{ key: 'team', value: 'web' }],
        desiredCount: 2,
        loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 80 }]
      },
      undefined
    )
    expect(settings).toEqual({
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: network,
      enableECSManagedTags: true,
      enableExecuteCommand: true,
      // RunTask takes no SERVICE: the task definition's tags, as ecspresso sends.
      propagateTags: 'TASK_DEFINITION',
      tags: [{ key: 'team', value: 'web' }]
    })
  })

  it('a capacity provider strategy wins over the launch type (RunTask refuses both)', () => {
    const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]
    expect(runSettings({ launchType: 'FARGATE', capacityProviderStrategy: strategy }, undefined)).toEqual({
      capacityProviderStrategy: strategy
    })
  })

  it('without a file, from the live service', () => {
    expect(runSettings(undefined, { launchType: 'EC2', networkConfiguration: network })).toEqual({
      launchType: 'EC2',
      networkConfiguration: network
    })
  })

  it('the request', () => {
    expect(
      runTaskInput({
        cluster: 'prod',
        taskDefinitionArn: 'td:1',
        settings: { launchType: 'FARGATE' },
        overrides: { containerOverrides: [{ name: 'app', command: ['x'] }] },
        count: 2,
        clientToken: 't',
        startedBy: 's'
      })
    ).toEqual({
      cluster: 'prod',
      taskDefinition: 'td:1',
      count: 2,
      launchType: 'FARGATE',
      overrides: { containerOverrides: [{ name: 'app', command: ['x'] }] },
      clientToken: 't',
      startedBy: 's'
    })
  })
})

describe('checks before any write', () => {
  const td = {
    family: 'web',
    networkMode: 'awsvpc' as const,
    containerDefinitions: [
      { name: 'sidecar', image: 'envoy', essential: false },
      { name: 'app', image: 'web' }
    ]
  }
  it('the watched container defaults to the essential one', () => {
    expect(watchedContainer(td, undefined)).toBe('app')
    expect(watchedContainer(td, 'sidecar')).toBe('sidecar')
    expect(watchedContainer(td, 'nope')).toBeUndefined()
  })

  it('unknown containers in overrides and watch-container, awsvpc without a network', () => {
    const findings = runFindings(
      td,
      {},
      { containerOverrides: [{ name: 'worker' }, { name: 'app' }, { name: 'app' }] },
      'db'
    )
    expect(findings.map(f => [f.input, f.message])).toEqual([
      ['watch-container', "container 'db' is not in task definition web"],
      [
        'overrides',
        "containerOverrides[0] names container 'worker', which is not in task definition web (its containers: sidecar, app)"
      ],
      ['overrides', "containerOverrides[2] overrides container 'app' a second time"],
      [
        undefined,
        'task definition web uses networkMode awsvpc, so RunTask needs a network configuration, and the service definition has none'
      ]
    ])
  })
})

describe('the overrides input', () => {
  const parse = (text: string) => {
    const errors: ActionError[] = []
    return { value: parseOverrides(text, 'overrides', errors), errors: errors.map(e => e.describe()) }
  }
  it('JSON or YAML, keys spelled as ECS spells them', () => {
    expect(parse('{containerOverrides: [{name: app, command: [rails, db:migrate]}]}').value).toEqual({
      containerOverrides: [{ name: 'app', command: ['rails', 'db:migrate'] }]
    })
    expect(parse('{"ContainerOverrides": [{"Name": "app"}], "cpu": "512"}').value).toEqual({
      containerOverrides: [{ name: 'app' }],
      cpu: '512'
    })
  })
  it('typos, wrong types and bad syntax are errors naming the input', () => {
    expect(parse('{containerOverides: []}').errors).toEqual([
      "input 'overrides': overrides: unknown key 'containerOverides' of a TaskOverride\n  hint: did you mean 'containerOverrides'?"
    ])
    expect(parse('{containerOverrides: [{name: app, memory: lots}]}').errors[0]).toMatch(
      /memory must be an integer/
    )
    expect(parse('{zzz: 1}').errors[0]).toMatch(/zzz is not a field of a TaskOverride/)
    expect(parse('{a: [').errors[0]).toMatch(/overrides is not JSON or YAML/)
  })
})

describe('run inputs', () => {
  const read = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  it('wait-until per command; count 1–10; run inputs refused on other commands', () => {
    expect(parseInputs(read({ command: 'run' }))).toMatchObject({ runWaitUntil: 'stopped', count: 1 })
    expect(parseInputs(read({ command: 'run', 'wait-until': 'running', count: '10' }))).toMatchObject({
      runWaitUntil: 'running',
      count: 10
    })
    expect(() => parseInputs(read({ command: 'run', 'wait-until': 'ready' }))).toThrow(
      /'ready' is not one of 'stopped', 'running'/
    )
    expect(() => parseInputs(read({ 'wait-until': 'stopped' }))).toThrow(
      /'stopped' is not one of 'succeeded', 'ready'/
    )
    expect(() => parseInputs(read({ command: 'run', count: '0' }))).toThrow(/'0' is not a task count/)
    expect(() => parseInputs(read({ command: 'run', count: '1.5' }))).toThrow(/'1.5' is not a task count/)
    expect(() => parseInputs(read({ 'watch-container': 'app' }))).toThrow(
      /watch-container applies to command: run only/
    )
  })
})
