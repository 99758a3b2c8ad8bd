// Standalone tasks in the emulator: RunTask refuses what ECS refuses, tasks move PROVISIONING → PENDING →
// RUNNING → STOPPED on the virtual clock with the exit code and stopped reason a scenario gives them, and
// their containers write to a minimal CloudWatch Logs (GetLogEvents, FilterLogEvents) as the awslogs driver does.
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetLogEventsCommand
} from '@aws-sdk/client-cloudwatch-logs'
import {
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput
} from '@aws-sdk/client-ecs'
import { afterEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { clients, network, webTaskDefinition } from './helpers.js'

let emulator: Emulator
let ecs: ECSClient
let logs: CloudWatchLogsClient
let arn: string

const logged = (group = '/ecs/migrate') => ({
  ...webTaskDefinition('migrate:1'),
  family: 'migrate',
  containerDefinitions: [
    {
      name: 'app',
      image: 'migrate:1',
      essential: true,
      logConfiguration: {
        logDriver: 'awslogs' as const,
        options: { 'awslogs-group': group, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'run' }
      }
    },
    { name: 'sidecar', image: 'envoy:1', essential: false }
  ]
})

async function setup(group?: string): Promise<void> {
  emulator = await startEmulator()
  emulator.createCluster('prod')
  const c = clients(emulator)
  ecs = c.ecs
  logs = new CloudWatchLogsClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1
  })
  const out = await ecs.send(new RegisterTaskDefinitionCommand(logged(group)))
  arn = out.taskDefinition!.taskDefinitionArn!
}

afterEach(async () => {
  await emulator.close()
})

const run = (extra: Partial<RunTaskCommandInput> = {}) =>
  ecs.send(
    new RunTaskCommand({
      cluster: 'prod',
      taskDefinition: arn,
      launchType: 'FARGATE',
      networkConfiguration: network,
      ...extra
    })
  )
const describe1 = async (task: string) =>
  (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [task] }))).tasks![0]!

describe('RunTask refuses what ECS refuses, starting nothing', () => {
  it.each<[string, Partial<RunTaskCommandInput>, RegExp]>([
    [
      'awsvpc without a network configuration',
      { networkConfiguration: undefined },
      /Network Configuration must be provided when networkMode 'awsvpc' is specified/
    ],
    [
      'a launch type beside capacity providers',
      { capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
      /Specifying both a launch type and capacity provider strategy is not supported/
    ],
    ['count 11', { count: 11 }, /Count must be between 1 and 10/],
    ['count 0', { count: 0 }, /Count must be between 1 and 10/],
    [
      'an override naming no container',
      { overrides: { containerOverrides: [{ name: 'worker', command: ['x'] }] } },
      /Override for container named worker is not a container in the TaskDefinition/
    ],
    [
      'overrides over 8192 characters',
      { overrides: { containerOverrides: [{ name: 'app', command: ['x'.repeat(9000)] }] } },
      /Container Overrides length must be at most 8192/
    ]
  ])('%s', async (_, extra, message) => {
    await setup('/ecs/migrate')
    await expect(run(extra)).rejects.toThrow(message)
    expect(emulator.calls('RunTask').map(c => c.error)).toEqual(['InvalidParameterException'])
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'prod' }))
    expect(listed.taskArns).toEqual([])
  })

  it('an INACTIVE task definition', async () => {
    await setup('/ecs/migrate')
    await ecs.send(
      new (await import('@aws-sdk/client-ecs')).DeregisterTaskDefinitionCommand({ taskDefinition: arn })
    )
    await expect(run()).rejects.toThrow(/TaskDefinition is inactive/)
  })

  it('a client token given twice starts the tasks once', async () => {
    await setup('/ecs/migrate')
    const a = await run({ clientToken: 'token-1', count: 2 })
    const b = await run({ clientToken: 'token-1', count: 2 })
    expect(b.tasks!.map(t => t.taskArn)).toEqual(a.tasks!.map(t => t.taskArn))
    await expect(run({ clientToken: 'token-1', count: 1 })).rejects.toThrow(/client token/)
  })
})

describe('a one-off task on the virtual clock', () => {
  it('PROVISIONING → PENDING → RUNNING → STOPPED, its lines in CloudWatch Logs, exit code 3', async () => {
    await setup('/ecs/migrate')
    emulator.logs.createLogGroup('/ecs/migrate')
    emulator.scenario.runTasks(
      { taskDefinitionArn: 'migrate' },
      { logs: ['Running migrations', 'boom'], exitCode: 3 }
    )
    const task = (await run()).tasks![0]!
    const id = task.taskArn!.slice(task.taskArn!.lastIndexOf('/') + 1)
    expect(task.lastStatus).toBe('PROVISIONING')
    await emulator.clock.advance(1000)
    expect((await describe1(task.taskArn!)).lastStatus).toBe('PENDING')
    // Before the container starts its stream does not exist.
    await expect(
      logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/migrate', logStreamName: `run/app/${id}` }))
    ).rejects.toThrow(/The specified log stream does not exist/)
    await emulator.clock.advance(9500)
    expect((await describe1(task.taskArn!)).lastStatus).toBe('RUNNING')
    const first = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/migrate',
        logStreamName: `run/app/${id}`,
        startFromHead: true
      })
    )
    expect(first.events!.map(e => e.message)).toEqual(['Running migrations'])
    await emulator.clock.advance(1000)
    const next = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/migrate',
        logStreamName: `run/app/${id}`,
        nextToken: first.nextForwardToken!
      })
    )
    expect(next.events!.map(e => e.message)).toEqual(['boom'])
    // Nothing new: the same forward token comes back.
    const again = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/migrate',
        logStreamName: `run/app/${id}`,
        nextToken: next.nextForwardToken!
      })
    )
    expect(again.events).toEqual([])
    expect(again.nextForwardToken).toBe(next.nextForwardToken)
    await emulator.clock.advance(10_000)
    const stopped = await describe1(task.taskArn!)
    expect(stopped.lastStatus).toBe('STOPPED')
    expect(stopped.stopCode).toBe('EssentialContainerExited')
    expect(stopped.stoppedReason).toBe('Essential container in task exited')
    expect(stopped.containers!.find(c => c.name === 'app')!.exitCode).toBe(3)
    const filtered = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/ecs/migrate', logStreamNamePrefix: 'run/' })
    )
    expect(filtered.events!.map(e => e.message)).toEqual(['Running migrations', 'boom'])
  })

  it('a log group that does not exist: the task fails to start; GetLogEvents says ResourceNotFoundException', async () => {
    await setup('/ecs/missing')
    // A world with CloudWatch Logs in it, but not this group.
    emulator.logs.createLogGroup('/ecs/other')
    emulator.scenario.runTasks({ taskDefinitionArn: 'migrate' }, { logs: ['x'] })
    const task = (await run()).tasks![0]!
    await emulator.clock.advance(15_000)
    const stopped = await describe1(task.taskArn!)
    expect(stopped.lastStatus).toBe('STOPPED')
    expect(stopped.stopCode).toBe('TaskFailedToStart')
    expect(stopped.stoppedReason).toMatch(/ResourceNotFoundException: The specified log group does not exist/)
    await expect(
      logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/missing', logStreamName: 'run/app/x' }))
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.'
    })
    await expect(
      logs.send(
        new GetLogEventsCommand({ logGroupName: '/ecs/missing', logStreamName: 'x', nextToken: 'bad' })
      )
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
  })

  it('a bad token is refused', async () => {
    await setup('/ecs/migrate')
    emulator.logs.createLogGroup('/ecs/migrate')
    emulator.scenario.runTasks({ taskDefinitionArn: 'migrate' }, { logs: ['x'] })
    const task = (await run()).tasks![0]!
    await emulator.clock.advance(11_000)
    const id = task.taskArn!.slice(task.taskArn!.lastIndexOf('/') + 1)
    await expect(
      logs.send(
        new GetLogEventsCommand({
          logGroupName: '/ecs/migrate',
          logStreamName: `run/app/${id}`,
          nextToken: 'f/1'
        })
      )
    ).rejects.toMatchObject({ name: 'InvalidParameterException' })
  })

  it('StopTask: the task stops, its container gets SIGTERM (143), stopCode UserInitiated', async () => {
    await setup('/ecs/migrate')
    emulator.logs.createLogGroup('/ecs/migrate')
    emulator.scenario.runTasks({ taskDefinitionArn: 'migrate' }, { runSeconds: 3600 })
    const task = (await run()).tasks![0]!
    await emulator.clock.advance(20_000)
    await ecs.send(new StopTaskCommand({ cluster: 'prod', task: task.taskArn!, reason: 'timed out' }))
    await emulator.clock.advance(10_000)
    const stopped = await describe1(task.taskArn!)
    expect(stopped.lastStatus).toBe('STOPPED')
    expect(stopped.stopCode).toBe('UserInitiated')
    expect(stopped.stoppedReason).toBe('timed out')
    expect(stopped.containers!.find(c => c.name === 'app')!.exitCode).toBe(143)
    expect(emulator.writes().map(r => r.operation)).toEqual(['RegisterTaskDefinition', 'RunTask', 'StopTask'])
  })

  it('cannot-pull: never RUNNING, stopped reason CannotPullContainerError', async () => {
    await setup('/ecs/migrate')
    emulator.logs.createLogGroup('/ecs/migrate')
    emulator.scenario.failTasks({ image: 'migrate:1' }, { kind: 'cannot-pull' })
    const task = (await run()).tasks![0]!
    await emulator.clock.advance(15_000)
    const stopped = await describe1(task.taskArn!)
    expect(stopped.lastStatus).toBe('STOPPED')
    expect(stopped.startedAt).toBeUndefined()
    expect(stopped.stoppedReason).toMatch(/^CannotPullContainerError/)
  })

  it('a world with no log group at all (the demo, logs in moto): groups appear as tasks start', async () => {
    await setup('/ecs/auto')
    emulator.scenario.runTasks({ taskDefinitionArn: 'migrate' }, { logs: ['hello'] })
    const task = (await run()).tasks![0]!
    await emulator.clock.advance(11_000)
    expect((await describe1(task.taskArn!)).lastStatus).toBe('RUNNING')
    const id = task.taskArn!.slice(task.taskArn!.lastIndexOf('/') + 1)
    expect(emulator.logs.lines('/ecs/auto', `run/app/${id}`)).toEqual(['hello'])
  })
})
