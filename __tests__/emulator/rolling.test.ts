import {
  DescribeServicesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient
} from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { emulatorForEachTest, seedWebService, webTaskDefinition } from './helpers.js'

let emulator: Emulator
let ecs: ECSClient

emulatorForEachTest(world => ({ emulator, ecs } = world))

async function seedWeb(desiredCount = 2, extra: Record<string, unknown> = {}) {
  const td = emulator.seedTaskDefinition(webTaskDefinition('nginx:1.26'))
  seedWebService(emulator, td, desiredCount, extra)
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand(webTaskDefinition('nginx:1.27'))
  )
  return { oldArn: td, newArn: taskDefinition!.taskDefinitionArn! }
}

const describe1 = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0]!

describe('rolling deployment', () => {
  it('replaces tasks within maximumPercent and minimumHealthyPercent, then drains the old deployment', async () => {
    const { oldArn, newArn } = await seedWeb(2)
    const before = await describe1()
    expect(before.deployments).toHaveLength(1)
    expect(before.deployments![0]!.rolloutState).toBe('COMPLETED')
    expect(before.runningCount).toBe(2)

    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn })
    )
    const deployments = updated.service!.deployments!
    expect(deployments).toHaveLength(2)
    expect(deployments[0]!.id).toMatch(/^ecs-svc\/\d{19}$/)
    expect(deployments[0]!.status).toBe('PRIMARY')
    expect(deployments[0]!.rolloutState).toBe('IN_PROGRESS')
    expect(deployments[1]!.status).toBe('ACTIVE')
    expect(deployments[1]!.taskDefinition).toBe(oldArn)
    expect(updated.service!.taskDefinition).toBe(newArn)

    let maxTotal = 0
    let minRunning = Infinity
    const states: string[] = []
    for (let i = 0; i < 120; i++) {
      await emulator.clock.advance(1000)
      const s = await describe1()
      const alive = s.deployments!.reduce((n, d) => n + d.runningCount! + d.pendingCount!, 0)
      maxTotal = Math.max(maxTotal, alive)
      minRunning = Math.min(minRunning, s.runningCount!)
      states.push(`${s.deployments!.length}:${s.deployments![0]!.rolloutState}`)
    }
    // desired 2, max 200% → at most 4 tasks; min 100% → never below 2 running.
    expect(maxTotal).toBe(4)
    expect(minRunning).toBe(2)
    const after = await describe1()
    expect(after.deployments).toHaveLength(1)
    expect(after.deployments![0]!.taskDefinition).toBe(newArn)
    expect(after.deployments![0]!.rolloutState).toBe('COMPLETED')
    expect(after.deployments![0]!.rolloutStateReason).toBe(
      `ECS deployment ${after.deployments![0]!.id} completed.`
    )
    expect(states).toContain('2:IN_PROGRESS')
    const messages = after.events!.map(e => e.message!)
    expect(messages[0]).toBe('(service web) has reached a steady state.')
    expect(messages[1]).toBe(`(service web) (deployment ${after.deployments![0]!.id}) deployment completed.`)
    expect(
      messages.some(m =>
        /^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/.test(m)
      )
    ).toBe(true)
    expect(messages.some(m => /^\(service web\) has stopped 2 running tasks: /.test(m))).toBe(true)
    expect(after.events![0]!.createdAt!.getTime()).toBeGreaterThanOrEqual(
      after.events![1]!.createdAt!.getTime()
    )

    const running = await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web' }))
    expect(running.taskArns).toHaveLength(2)
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: running.taskArns! }))
    for (const t of tasks!) {
      expect(t.lastStatus).toBe('RUNNING')
      expect(t.taskDefinitionArn).toBe(newArn)
      expect(t.startedBy).toBe(after.deployments![0]!.id)
      expect(t.group).toBe('service:web')
      expect(t.containers![0]!.image).toBe('nginx:1.27')
    }
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' })
    )
    const old = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: stopped.taskArns! }))
    expect(old.tasks!.map(t => [t.lastStatus, t.taskDefinitionArn, t.stopCode])).toEqual([
      ['STOPPED', oldArn, 'ServiceSchedulerInitiated'],
      ['STOPPED', oldArn, 'ServiceSchedulerInitiated']
    ])
  })

  it('with minimumHealthyPercent 0 and maximumPercent 100 stops old tasks before starting new ones', async () => {
    const { newArn } = await seedWeb(3, {
      deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 }
    })
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    let maxTotal = 0
    for (let i = 0; i < 60; i++) {
      await emulator.clock.advance(1000)
      const s = await describe1()
      maxTotal = Math.max(
        maxTotal,
        s.deployments!.reduce((n, d) => n + d.runningCount! + d.pendingCount!, 0)
      )
    }
    expect(maxTotal).toBe(3)
    expect((await describe1()).deployments![0]!.rolloutState).toBe('COMPLETED')
  })

  it('exposes the rollout through the service deployments API', async () => {
    const { newArn } = await seedWeb(2)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }))
    expect(listed.serviceDeployments!.map(d => d.status)).toEqual(['IN_PROGRESS', 'SUCCESSFUL'])
    const arn = listed.serviceDeployments![0]!.serviceDeploymentArn!
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-deployment\/prod\/web\//)
    let d = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
      .serviceDeployments![0]!
    expect(d.sourceServiceRevisions).toHaveLength(1)
    expect(d.sourceServiceRevisions![0]!.runningTaskCount).toBe(2)
    expect(d.targetServiceRevision!.requestedTaskCount).toBe(2)
    expect(d.deploymentCircuitBreaker!.status).toBe('DISABLED')
    await emulator.clock.advance(10 * 60 * 1000)
    d = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
      .serviceDeployments![0]!
    expect(d.status).toBe('SUCCESSFUL')
    expect(d.finishedAt).toBeInstanceOf(Date)
    expect(d.targetServiceRevision!.runningTaskCount).toBe(2)
  })

  it('forceNewDeployment starts a deployment on the same task definition; desiredCount alone does not', async () => {
    const { oldArn } = await seedWeb(1)
    const scaled = await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 3 })
    )
    expect(scaled.service!.deployments).toHaveLength(1)
    await emulator.clock.advance(60_000)
    expect((await describe1()).runningCount).toBe(3)
    const forced = await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', forceNewDeployment: true })
    )
    expect(forced.service!.deployments!.map(d => d.taskDefinition)).toEqual([oldArn, oldArn])
    await emulator.clock.advance(10 * 60 * 1000)
    expect((await describe1()).deployments).toHaveLength(1)
  })

  // A rollout of 10 virtual minutes is 600 ticks in one advance() call: milliseconds of test time.
  it('runs a 10-minute virtual rollout in one advance', async () => {
    emulator.scenario.taskStartSeconds(120)
    emulator.scenario.taskStopSeconds(400)
    const { newArn } = await seedWeb(10)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn }))
    // Tasks start in 2 minutes; the old ones take 400 s to stop: the old deployment is gone after 8m40s.
    await emulator.clock.advance(8 * 60 * 1000)
    expect((await describe1()).deployments).toHaveLength(2)
    await emulator.clock.advance(2 * 60 * 1000)
    const s = await describe1()
    expect(s.deployments).toHaveLength(1)
    expect(s.deployments![0]!.rolloutState).toBe('COMPLETED')
  })
})
