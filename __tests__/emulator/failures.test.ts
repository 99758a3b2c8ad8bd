import {
  DescribeServicesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Deployment,
  type ECSClient
} from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { emulatorForEachTest, network, seedWebService, webTaskDefinition } from './helpers.js'

let emulator: Emulator
let ecs: ECSClient

emulatorForEachTest(world => ({ emulator, ecs } = world))

async function seedWeb(desiredCount: number, circuitBreaker?: { enable: boolean; rollback: boolean }) {
  const oldArn = emulator.seedTaskDefinition(webTaskDefinition('nginx:1.26'))
  seedWebService(
    emulator,
    oldArn,
    desiredCount,
    circuitBreaker ? { deploymentConfiguration: { deploymentCircuitBreaker: circuitBreaker } } : {}
  )
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand(webTaskDefinition('nginx:broken'))
  )
  return { oldArn, newArn: taskDefinition!.taskDefinitionArn! }
}

const service = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0]!

async function stoppedTasks() {
  const { taskArns } = await ecs.send(
    new ListTasksCommand({ cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' })
  )
  if (taskArns!.length === 0) return []
  return (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns! }))).tasks!
}

describe('task failures', () => {
  it('an image that cannot be pulled stops tasks with TaskFailedToStart and CannotPullContainerError', async () => {
    emulator.scenario.failTasks({ image: 'nginx:broken' }, { kind: 'cannot-pull' })
    const { newArn } = await seedWeb(2)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    await emulator.clock.advance(60_000)
    const failed = (await stoppedTasks()).filter(t => t.taskDefinitionArn === newArn)
    expect(failed.length).toBeGreaterThanOrEqual(2)
    const t = failed[0]!
    expect(t.stopCode).toBe('TaskFailedToStart')
    expect(t.stoppedReason).toMatch(/^CannotPullContainerError: /)
    expect(t.containers![0]!.reason).toMatch(/^CannotPullContainerError: .*nginx:broken/)
    expect(t.startedAt).toBeUndefined()
    const s = await service()
    // Without a circuit breaker ECS keeps trying; old tasks keep serving.
    expect(s.deployments![0]!.rolloutState).toBe('IN_PROGRESS')
    expect(s.deployments![0]!.failedTasks).toBeGreaterThanOrEqual(2)
    expect(s.deployments![1]!.runningCount).toBe(2)
  })

  it('a container that exits after N seconds stops with EssentialContainerExited and its exit code', async () => {
    emulator.scenario.failTasks({ image: 'nginx:broken' }, { kind: 'exit', afterSeconds: 20, exitCode: 137 })
    const { newArn } = await seedWeb(1)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    await emulator.clock.advance(25_000)
    expect((await stoppedTasks()).filter(t => t.taskDefinitionArn === newArn)).toHaveLength(0)
    await emulator.clock.advance(10_000)
    const [t] = (await stoppedTasks()).filter(t => t.taskDefinitionArn === newArn)
    expect(t!.stopCode).toBe('EssentialContainerExited')
    expect(t!.stoppedReason).toBe('Essential container in task exited')
    expect(t!.containers![0]!.exitCode).toBe(137)
    expect(t!.startedAt).toBeInstanceOf(Date)
  })

  it('failing only a number of times lets the deployment complete afterwards', async () => {
    emulator.scenario.failTasks({ taskDefinitionArn: 'web:2' }, { kind: 'cannot-pull' }, { times: 1 })
    const { newArn } = await seedWeb(2, { enable: true, rollback: true })
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    await emulator.clock.advance(5 * 60_000)
    const s = await service()
    expect(s.deployments).toHaveLength(1)
    expect(s.deployments![0]!.rolloutState).toBe('COMPLETED')
    expect(s.deployments![0]!.failedTasks).toBe(1)
  })

  it('placement failures write the unable-to-place event, once per few minutes', async () => {
    emulator.scenario.placementFailure({ image: 'nginx:broken' })
    const { newArn } = await seedWeb(2)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    await emulator.clock.advance(60_000)
    const messages = (await service()).events!.map(e => e.message!)
    const placement = messages.filter(m => m.includes('was unable to place a task'))
    expect(placement).toHaveLength(1)
    expect(placement[0]).toMatch(
      /^\(service web\) was unable to place a task because no container instance met all of its requirements\. Reason: /
    )
    await emulator.clock.advance(5 * 60_000)
    expect((await service()).events!.filter(e => e.message!.includes('unable to place')).length).toBe(2)
  })
})

describe('deployment circuit breaker', () => {
  it('with rollback: marks the deployment FAILED and rolls back to the last completed task definition', async () => {
    emulator.scenario.failTasks({ image: 'nginx:broken' }, { kind: 'cannot-pull' })
    const { oldArn, newArn } = await seedWeb(4, { enable: true, rollback: true })
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn })
    )
    const failedId = updated.service!.deployments![0]!.id!
    const previousId = updated.service!.deployments![1]!.id!
    await emulator.clock.advance(5 * 60_000)
    const s = await service()
    // threshold max(3, min(200, ceil(0.5 × 4))) = 3
    expect(s.taskDefinition).toBe(oldArn)
    expect(s.deployments).toHaveLength(1)
    const primary = s.deployments![0]!
    expect(primary.taskDefinition).toBe(oldArn)
    expect(primary.id).not.toBe(previousId)
    expect(primary.rolloutState).toBe('COMPLETED')
    const messages = s.events!.map(e => e.message!)
    expect(messages).toContain(
      `(service web) (deployment ${failedId}) deployment failed: tasks failed to start.`
    )
    const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }))
    const record = listed.serviceDeployments![0]!
    expect(record.status).toBe('ROLLBACK_SUCCESSFUL')
    const [detail] = (
      await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [record.serviceDeploymentArn!] })
      )
    ).serviceDeployments!
    // All four replacement tasks fail in the same moment, so the count passes the threshold of 3.
    expect(detail!.deploymentCircuitBreaker).toEqual({ status: 'TRIGGERED', failureCount: 4, threshold: 3 })
    expect(detail!.rollback!.reason).toBe('ECS deployment circuit breaker: tasks failed to start.')
  })

  it('watching mid-rollback shows the failed deployment ACTIVE and the rollback PRIMARY', async () => {
    emulator.scenario.failTasks({ image: 'nginx:broken' }, { kind: 'cannot-pull' })
    const { oldArn, newArn } = await seedWeb(2, { enable: true, rollback: true })
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    let seen: Deployment[] | undefined
    for (let i = 0; i < 300 && !seen; i++) {
      await emulator.clock.advance(1000)
      const s = await service()
      if (s.deployments!.some(d => d.rolloutState === 'FAILED')) seen = s.deployments
    }
    expect(seen!.map(d => [d.status, d.rolloutState, d.taskDefinition])).toEqual([
      ['PRIMARY', 'IN_PROGRESS', oldArn],
      ['ACTIVE', 'FAILED', newArn],
      ['ACTIVE', 'COMPLETED', oldArn]
    ])
  })

  it('without rollback: FAILED and no more launches', async () => {
    emulator.scenario.failTasks({ image: 'nginx:broken' }, { kind: 'cannot-pull' })
    const { newArn } = await seedWeb(2, { enable: true, rollback: false })
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    await emulator.clock.advance(5 * 60_000)
    const s = await service()
    const primary = s.deployments![0]!
    expect(primary.rolloutState).toBe('FAILED')
    expect(primary.rolloutStateReason).toBe('ECS deployment circuit breaker: tasks failed to start.')
    const failed = primary.failedTasks!
    expect(failed).toBeGreaterThanOrEqual(3)
    await emulator.clock.advance(5 * 60_000)
    expect((await service()).deployments![0]!.failedTasks).toBe(failed)
  })
})

describe('more ECS behaviour', () => {
  it('tasks failing ELB health checks are replaced, with the health-check event and stop reason', async () => {
    emulator.scenario.failTasks(
      { image: 'nginx:broken' },
      { kind: 'unhealthy', afterSeconds: 30 },
      { times: 1 }
    )
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123'
    const oldArn = emulator.seedTaskDefinition(webTaskDefinition('nginx:1.26'))
    emulator.seedService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: oldArn,
      desiredCount: 1,
      networkConfiguration: network,
      loadBalancers: [{ targetGroupArn: tg, containerName: 'app', containerPort: 80 }]
    })
    const newArn = emulator.seedTaskDefinition(webTaskDefinition('nginx:broken'))
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    await emulator.clock.advance(5 * 60_000)
    const [failed] = (await stoppedTasks()).filter(t => t.taskDefinitionArn === newArn)
    expect(failed!.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${tg})`)
    const s = await service()
    const messages = s.events!.map(e => e.message!)
    expect(
      messages.some(m => m.startsWith('(service web) (task ') && m.includes('failed ELB health checks'))
    ).toBe(true)
    expect(messages).toContain('(service web) has begun draining connections on 1 tasks.')
    expect(s.deployments![0]!.rolloutState).toBe('COMPLETED')
  })

  it('refuses a sixth concurrent deployment without changing the service', async () => {
    emulator.scenario.taskStopSeconds(3600)
    const { newArn } = await seedWeb(1)
    for (let i = 0; i < 4; i++) {
      await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', forceNewDeployment: true }))
      await emulator.clock.advance(20_000)
    }
    expect((await service()).deployments).toHaveLength(5)
    await expect(
      ecs.send(
        new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn, desiredCount: 4 })
      )
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: '5 active deployments exist, unable to create new deployment.'
    })
    expect((await service()).desiredCount).toBe(1)
  })

  it('StopServiceDeployment rolls back to the last successful revision; revisions are described', async () => {
    const { oldArn, newArn } = await seedWeb(2)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    const [current] = (await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' })))
      .serviceDeployments!
    await emulator.clock.advance(5000)
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: current!.serviceDeploymentArn! }))
    await emulator.clock.advance(5 * 60_000)
    const s = await service()
    expect(s.taskDefinition).toBe(oldArn)
    expect(s.deployments).toHaveLength(1)
    const [detail] = (
      await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [current!.serviceDeploymentArn!] })
      )
    ).serviceDeployments!
    expect(detail!.status).toBe('ROLLBACK_SUCCESSFUL')
    const revisions = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [detail!.targetServiceRevision!.arn!, detail!.rollback!.serviceRevisionArn!]
      })
    )
    expect(revisions.serviceRevisions!.map(r => r.taskDefinition)).toEqual([newArn, oldArn])
    await expect(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: current!.serviceDeploymentArn! }))
    ).rejects.toMatchObject({ name: 'ConflictException' })
  })
})
