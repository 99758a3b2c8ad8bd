import {
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
  waitUntilTasksStopped,
  type ECSClient
} from '@aws-sdk/client-ecs'
import { afterEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { clients, network, webTaskDefinition } from './helpers.js'

let emulator: Emulator | undefined
let ecs: ECSClient | undefined

afterEach(async () => {
  ecs?.destroy()
  await emulator?.close()
  emulator = undefined
})

async function setup(options: Parameters<typeof startEmulator>[0] = {}, maxAttempts = 3) {
  emulator = await startEmulator(options)
  ecs = clients(emulator, maxAttempts).ecs
  emulator.createCluster('prod')
  const oldArn = emulator.seedTaskDefinition(webTaskDefinition('nginx:1.26'))
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: oldArn,
    desiredCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: network
  })
  const newArn = emulator.seedTaskDefinition(webTaskDefinition('nginx:1.27'))
  return { emulator, ecs, oldArn, newArn }
}

describe('SDK waiters on a scaled real-time clock', () => {
  it('waitUntilServicesStable succeeds only after the old deployment has drained', async () => {
    const { emulator, ecs, oldArn, newArn } = await setup({ clock: { mode: 'real', speed: 100 } })
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    const result = await waitUntilServicesStable(
      { client: ecs, maxWaitTime: 60, minDelay: 0.03, maxDelay: 0.03 },
      { cluster: 'prod', services: ['web'] }
    )
    expect(result.state).toBe('SUCCESS')
    const polls = emulator.calls('DescribeServices')
    expect(polls.length).toBeGreaterThan(2)
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services![0]!
    expect(service.deployments).toHaveLength(1)
    expect(service.deployments![0]!.taskDefinition).toBe(newArn)
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' })
    )
    const old = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: stopped.taskArns! }))
    expect(old.tasks!.map(t => [t.taskDefinitionArn, t.lastStatus])).toEqual([
      [oldArn, 'STOPPED'],
      [oldArn, 'STOPPED']
    ])
  })

  it('waitUntilTasksStopped follows a one-off task to its exit', async () => {
    const { emulator, ecs } = await setup({ clock: { mode: 'real', speed: 100 } })
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({ ...webTaskDefinition('migrate:1'), family: 'migrate' })
    )
    emulator.scenario.failTasks({ image: 'migrate:1' }, { kind: 'exit', afterSeconds: 30, exitCode: 0 })
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'prod',
        taskDefinition: taskDefinition!.taskDefinitionArn!,
        launchType: 'FARGATE',
        networkConfiguration: network
      })
    )
    const arn = run.tasks![0]!.taskArn!
    expect(run.tasks![0]!.lastStatus).toBe('PROVISIONING')
    const result = await waitUntilTasksStopped(
      { client: ecs, maxWaitTime: 60, minDelay: 0.03, maxDelay: 0.03 },
      { cluster: 'prod', tasks: [arn] }
    )
    expect(result.state).toBe('SUCCESS')
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [arn] }))).tasks![0]!
    expect(task.containers![0]!.exitCode).toBe(0)
    expect(task.stopCode).toBe('EssentialContainerExited')
  })
})

describe('fault injection', () => {
  it('throttling by count: the SDK retries and the update happens exactly once', async () => {
    const { emulator, ecs, newArn } = await setup()
    emulator.faults.add({ kind: 'throttle', service: 'ecs', operation: 'UpdateService', count: 2 })
    const out = await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn })
    )
    expect(out.service!.deployments).toHaveLength(2)
    const calls = emulator.calls('UpdateService')
    expect(calls.map(c => c.fault ?? 'ok')).toEqual(['throttle', 'throttle', 'ok'])
    expect(calls.every(c => c.write)).toBe(true)
  })

  it('a throttle the SDK gives up on surfaces as ThrottlingException', async () => {
    const { emulator, ecs, newArn } = await setup({}, 2)
    emulator.faults.add({ kind: 'throttle', operation: 'UpdateService' })
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    ).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })
    expect(emulator.calls('UpdateService')).toHaveLength(2)
    expect(emulator.describeService('prod', 'web').deployments).toHaveLength(1)
  })

  it('5xx and dropped connections before the call are retried without loss', async () => {
    const { emulator, ecs, newArn } = await setup()
    emulator.faults.add({ kind: 'server-error', operation: 'UpdateService', count: 1 })
    emulator.faults.add({ kind: 'drop', operation: 'UpdateService', count: 1, skip: 1 })
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    expect(emulator.calls('UpdateService').map(c => c.fault ?? 'ok')).toEqual(['server-error', 'drop', 'ok'])
    expect(emulator.describeService('prod', 'web').deployments).toHaveLength(2)
  })

  it('a reply lost after the call took effect shows as a duplicate write', async () => {
    const { emulator, ecs, newArn } = await setup()
    emulator.faults.add({ kind: 'drop', operation: 'UpdateService', count: 1, when: 'after' })
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    // The first attempt was applied, the retry finds the task definition unchanged: one new deployment.
    expect(emulator.describeService('prod', 'web').deployments).toHaveLength(2)
    emulator.faults.add({ kind: 'drop', operation: 'CreateService', count: 1, when: 'after' })
    await expect(
      ecs.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'api',
          taskDefinition: newArn,
          networkConfiguration: network
        })
      )
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Creation of service was not idempotent.'
    })
  })

  it('errors by rate are seeded and repeat run after run', async () => {
    const pattern = async () => {
      const { emulator, ecs } = await setup({}, 1)
      emulator.faults.add({
        kind: 'error',
        errorType: 'AccessDeniedException',
        operation: 'DescribeClusters',
        rate: 0.5,
        seed: 7
      })
      const outcomes: string[] = []
      for (let i = 0; i < 12; i++)
        outcomes.push(
          await ecs.send(new DescribeClustersCommand({ clusters: ['prod'] })).then(
            () => 'ok',
            (e: Error) => e.name
          )
        )
      ecs.destroy()
      await emulator.close()
      return outcomes
    }
    const first = await pattern()
    const second = await pattern()
    expect(first).toEqual(second)
    expect(first).toContain('ok')
    expect(first).toContain('AccessDeniedException')
    emulator = undefined
    ecs = undefined
  })

  it('access denied names the IAM action, is not retried, and changes nothing', async () => {
    const { emulator, ecs, newArn } = await setup()
    emulator.faults.add({ kind: 'access-denied', operation: 'UpdateService' })
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('is not authorized to perform: ecs:UpdateService') as unknown
    })
    expect(emulator.calls('UpdateService')).toHaveLength(1)
    expect(emulator.describeService('prod', 'web').deployments).toHaveLength(1)
  })

  it('a delayed request is answered after a later one that is not delayed', async () => {
    const { emulator, ecs } = await setup()
    emulator.faults.add({ kind: 'delay', operation: 'DescribeClusters', delayMs: 200, count: 1 })
    const order: string[] = []
    const slow = ecs
      .send(new DescribeClustersCommand({ clusters: ['prod'] }))
      .then(() => order.push('delayed'))
    await new Promise(resolve => setTimeout(resolve, 20))
    await ecs
      .send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
      .then(() => order.push('plain'))
    await slow
    expect(order).toEqual(['plain', 'delayed'])
    expect(emulator.calls('DescribeClusters')[0]!.fault).toBe('delay')
  })

  it('the log tells reads from writes', async () => {
    const { emulator, ecs } = await setup()
    emulator.clearLog()
    await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
    expect(emulator.writes()).toEqual([])
    expect(emulator.requests[0]).toMatchObject({
      service: 'ecs',
      operation: 'DescribeServices',
      params: { cluster: 'prod', services: ['web'] },
      write: false
    })
  })
})
