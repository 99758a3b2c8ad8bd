import {
  BatchGetApplicationsCommand,
  BatchGetDeploymentGroupsCommand,
  BatchGetDeploymentTargetsCommand,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListApplicationsCommand,
  ListDeploymentGroupsCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
  waitUntilDeploymentSuccessful,
  type CodeDeployClient
} from '@aws-sdk/client-codedeploy'
import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs'
import { afterEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../test/emulator/index.js'
import { clients, seedWebService, webTaskDefinition } from './helpers.js'

let emulator: Emulator | undefined
let ecs: ECSClient
let cd: CodeDeployClient

afterEach(async () => {
  ecs.destroy()
  cd.destroy()
  await emulator?.close()
  emulator = undefined
})

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/0123456789abcdef'

async function setup(group: Record<string, unknown> = {}, options: EmulatorOptions = {}) {
  const emu = (emulator = await startEmulator(options))
  ;({ ecs, codedeploy: cd } = clients(emu))
  emu.createCluster('prod')
  const v1 = emu.seedTaskDefinition(webTaskDefinition('nginx:1.26'))
  const v2 = emu.seedTaskDefinition(webTaskDefinition('nginx:1.27'))
  seedWebService(emu, v1, 2, {
    deploymentController: { type: 'CODE_DEPLOY' },
    loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80 }]
  })
  emu.codedeploy.createApplication('AppECS-prod-web')
  emu.codedeploy.createDeploymentGroup({
    applicationName: 'AppECS-prod-web',
    deploymentGroupName: 'DgpECS-prod-web',
    serviceRoleArn: 'arn:aws:iam::123456789012:role/ecsCodeDeployRole',
    ecsServices: [{ clusterName: 'prod', serviceName: 'web' }],
    loadBalancerInfo: {
      targetGroupPairInfoList: [
        {
          targetGroups: [{ name: 'blue' }, { name: 'green' }],
          prodTrafficRoute: {
            listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/443']
          },
          testTrafficRoute: {
            listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/8443']
          }
        }
      ]
    },
    ...group
  })
  return { emu, v1, v2 }
}

function appspec(taskDefinition: string, hooks: Record<string, string>[] = []): string {
  return JSON.stringify({
    version: 1,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinition,
            LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 80 }
          }
        }
      }
    ],
    Hooks: hooks
  })
}

async function deploy(taskDefinition: string, hooks: Record<string, string>[] = [], config?: string) {
  const { deploymentId } = await cd.send(
    new CreateDeploymentCommand({
      applicationName: 'AppECS-prod-web',
      deploymentGroupName: 'DgpECS-prod-web',
      ...(config ? { deploymentConfigName: config } : {}),
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content: appspec(taskDefinition, hooks) }
      }
    })
  )
  return deploymentId!
}

const info = async (id: string) =>
  (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!
const target = async (id: string) =>
  (await cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['prod:web'] })))
    .deploymentTargets![0]!.ecsTarget!
const service = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0]!

async function until(emu: Emulator, id: string, status: string, limitMs = 60 * 60_000) {
  for (let t = 0; t < limitMs; t += 1000) {
    if ((await info(id)).status === status) return
    await emu.clock.advance(1000)
  }
  throw new Error(`deployment ${id} never reached ${status}; it is ${(await info(id)).status}`)
}

describe('CodeDeploy blue/green', () => {
  it('all at once: installs the replacement, shifts traffic, terminates the original, succeeds', async () => {
    const { emu, v1, v2 } = await setup()
    const id = await deploy(v2)
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/)
    expect((await info(id)).status).toBe('Created')
    await emu.clock.advance(1000)
    expect((await info(id)).status).toBe('InProgress')
    await emu.clock.advance(5000)
    const during = await service()
    expect(during.taskSets!.map(t => [t.status, t.taskDefinition])).toEqual([
      ['PRIMARY', v1],
      ['ACTIVE', v2]
    ])
    expect(during.taskDefinition).toBe(v1)
    await until(emu, id, 'Succeeded')
    const done = await info(id)
    expect(done.completeTime).toBeInstanceOf(Date)
    expect(done.deploymentOverview).toMatchObject({ Succeeded: 1, InProgress: 0 })
    const t = await target(id)
    expect(t.lifecycleEvents!.map(e => [e.lifecycleEventName, e.status])).toEqual([
      ['BeforeInstall', 'Succeeded'],
      ['Install', 'Succeeded'],
      ['AfterInstall', 'Succeeded'],
      ['AllowTestTraffic', 'Succeeded'],
      ['AfterAllowTestTraffic', 'Succeeded'],
      ['BeforeAllowTraffic', 'Succeeded'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded']
    ])
    const after = await service()
    expect(after.taskDefinition).toBe(v2)
    expect(after.taskSets!.map(s => [s.status, s.taskDefinition, s.runningCount])).toEqual([
      ['PRIMARY', v2, 2]
    ])
    expect(
      after.events!.some(e =>
        /^\(service web, taskSet ecs-svc\/\d{19}\) has started 2 tasks: /.test(e.message!)
      )
    ).toBe(true)
    expect((await cd.send(new ListDeploymentTargetsCommand({ deploymentId: id }))).targetIds).toEqual([
      'prod:web'
    ])
  })

  it('runs the AppSpec hooks and fails with rollback when one fails after traffic moved', async () => {
    const { emu, v1, v2 } = await setup({
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] }
    })
    emu.codedeploy.failHook('AfterAllowTraffic')
    const id = await deploy(v2, [
      { BeforeInstall: 'arn:aws:lambda:us-east-1:123456789012:function:before' },
      { AfterAllowTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:smoke' }
    ])
    await until(emu, id, 'Failed')
    const failed = await info(id)
    expect(failed.errorInformation!.code).toBe('HOOK_EXECUTION_FAILURE')
    expect(failed.rollbackInfo!.rollbackMessage).toContain(id)
    const events = (await target(id)).lifecycleEvents!
    expect(events.find(e => e.lifecycleEventName === 'AfterAllowTraffic')!.status).toBe('Failed')
    expect(events.find(e => e.lifecycleEventName === 'AllowTraffic')!.status).toBe('Succeeded')
    expect((await service()).taskDefinition).toBe(v1)
    await emu.clock.advance(60_000)
    expect((await service()).taskSets!.map(s => [s.status, s.taskDefinition])).toEqual([['PRIMARY', v1]])
  })

  it('rolls back with a deployment of its own, which holds the group until it succeeds', async () => {
    const { emu, v1, v2 } = await setup({
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] }
    })
    emu.codedeploy.failHook('AfterAllowTraffic')
    const id = await deploy(v2, [
      { AfterAllowTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:smoke' }
    ])
    await until(emu, id, 'Failed')
    const rollbackId = (await info(id)).rollbackInfo!.rollbackDeploymentId!
    expect(rollbackId).toMatch(/^d-[A-Z0-9]{9}$/)
    const rollback = await info(rollbackId)
    expect(rollback).toMatchObject({
      status: 'InProgress',
      creator: 'codeDeployRollback',
      rollbackInfo: { rollbackTriggeringDeploymentId: id }
    })
    // Production traffic is back on the original at once; the rollback holds the group meanwhile.
    expect((await service()).taskDefinition).toBe(v1)
    await expect(deploy(v2)).rejects.toMatchObject({ name: 'DeploymentLimitExceededException' })
    const listed = await cd.send(
      new ListDeploymentsCommand({
        applicationName: 'AppECS-prod-web',
        deploymentGroupName: 'DgpECS-prod-web',
        includeOnlyStatuses: ['InProgress']
      })
    )
    expect(listed.deployments).toEqual([rollbackId])
    await until(emu, rollbackId, 'Succeeded')
    expect((await info(id)).rollbackInfo!.rollbackMessage).toBe(
      `Deployment ${id} has been rolled back by deployment ${rollbackId}.`
    )
  })

  it('a rollback deployment can be made to fail, and to take longer', async () => {
    const { emu, v2 } = await setup({
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] }
    })
    emu.codedeploy.failHook('AfterAllowTraffic')
    emu.codedeploy.rollbackSeconds(120)
    emu.codedeploy.failRollback({ message: 'the original task set did not come back' })
    const id = await deploy(v2, [
      { AfterAllowTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:smoke' }
    ])
    await until(emu, id, 'Failed')
    const failedAt = emu.clock.now()
    const rollbackId = (await info(id)).rollbackInfo!.rollbackDeploymentId!
    await until(emu, rollbackId, 'Failed')
    expect(emu.clock.now() - failedAt).toBeGreaterThanOrEqual(120_000)
    expect((await info(rollbackId)).errorInformation!.message).toBe('the original task set did not come back')
    expect((await info(id)).rollbackInfo!.rollbackMessage).toBe(
      `The rollback deployment ${rollbackId} failed.`
    )
  })

  it('waits in Ready until ContinueDeployment, and a second deployment is refused meanwhile', async () => {
    const { emu, v2 } = await setup({
      blueGreenDeploymentConfiguration: {
        deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 },
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 }
      }
    })
    const id = await deploy(v2)
    await expect(
      cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }))
    ).rejects.toMatchObject({ name: 'DeploymentIsNotInReadyStateException' })
    await until(emu, id, 'Ready')
    const t = await target(id)
    expect(t.status).toBe('Ready')
    expect(t.taskSetsInfo!.map(s => [s.taskSetLabel, s.trafficWeight, s.targetGroup?.name])).toEqual([
      ['Blue', 100, 'blue'],
      ['Green', 0, 'green']
    ])
    await expect(deploy(v2)).rejects.toMatchObject({
      name: 'DeploymentLimitExceededException',
      message: `The Deployment Group 'DgpECS-prod-web' already has an active Deployment '${id}'`
    })
    await emu.clock.advance(10 * 60_000)
    expect((await info(id)).status).toBe('Ready')
    await cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }))
    await emu.clock.advance(30_000)
    const waiting = await info(id)
    expect(waiting.status).toBe('InProgress')
    expect(waiting.instanceTerminationWaitTimeStarted).toBe(true)
    expect((await service()).taskDefinition).toBe(v2)
    await cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }))
    await until(emu, id, 'Succeeded', 60_000)
  })

  it('Ready times out into Stopped and leaves the original serving', async () => {
    const { emu, v1, v2 } = await setup({
      blueGreenDeploymentConfiguration: {
        deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 5 }
      }
    })
    const id = await deploy(v2)
    await until(emu, id, 'Ready')
    await emu.clock.advance(5 * 60_000 + 2000)
    const stopped = await info(id)
    expect(stopped.status).toBe('Stopped')
    expect(stopped.errorInformation!.code).toBe('TIMEOUT')
    expect((await service()).taskDefinition).toBe(v1)
  })

  it('a deployment waiting in Ready stops with rollback; ContinueDeployment then says it has completed', async () => {
    const { emu, v1, v2 } = await setup({
      blueGreenDeploymentConfiguration: {
        deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 }
      }
    })
    const id = await deploy(v2)
    await until(emu, id, 'Ready')
    await expect(
      cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'SOON' as never }))
    ).rejects.toMatchObject({ name: 'InvalidDeploymentWaitTypeException' })
    await cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }))
    const stopped = await info(id)
    expect(stopped.status).toBe('Stopped')
    expect(stopped.rollbackInfo!.rollbackDeploymentId).toMatch(/^d-/)
    await until(emu, stopped.rollbackInfo!.rollbackDeploymentId!, 'Succeeded', 120_000)
    expect((await service()).taskDefinition).toBe(v1)
    await expect(
      cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }))
    ).rejects.toMatchObject({ name: 'DeploymentAlreadyCompletedException' })
  })

  it('linear and canary configurations shift traffic over time; the service switches at the end', async () => {
    const { emu, v1, v2 } = await setup()
    const id = await deploy(v2, [], 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes')
    const weights: number[] = []
    for (let i = 0; i < 20 * 12; i++) {
      await emu.clock.advance(5000)
      const green = (await target(id)).taskSetsInfo!.find(s => s.taskSetLabel === 'Green')
      if (green && !weights.includes(green.trafficWeight!)) weights.push(green.trafficWeight!)
      if ((await info(id)).status === 'Succeeded') break
    }
    expect(weights).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    expect((await service()).taskDefinition).toBe(v2)

    const canary = await deploy(v1, [], 'CodeDeployDefault.ECSCanary10Percent5Minutes')
    const seen: number[] = []
    for (let i = 0; i < 10 * 12; i++) {
      await emu.clock.advance(5000)
      const green = (await target(canary)).taskSetsInfo!.find(s => s.taskSetLabel === 'Green')
      if (green && seen.at(-1) !== green.trafficWeight) seen.push(green.trafficWeight!)
      if ((await info(canary)).status === 'Succeeded') break
    }
    expect(seen).toEqual([0, 10, 100])
    expect((await info(canary)).previousRevision).toBeDefined()
  })

  it('StopDeployment stops and rolls back; stopping again is refused', async () => {
    const { emu, v1, v2 } = await setup()
    const id = await deploy(v2)
    await emu.clock.advance(3000)
    const out = await cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }))
    expect(out.status).toBe('Pending')
    const stopped = await info(id)
    expect(stopped.status).toBe('Stopped')
    expect(stopped.errorInformation!.code).toBe('MANUAL_STOP')
    await emu.clock.advance(60_000)
    expect((await service()).taskSets!.map(s => s.taskDefinition)).toEqual([v1])
    await expect(cd.send(new StopDeploymentCommand({ deploymentId: id }))).rejects.toMatchObject({
      name: 'DeploymentAlreadyCompletedException'
    })
  })

  it('replacement tasks that cannot start fail the Install step', async () => {
    const { emu, v1, v2 } = await setup({
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] }
    })
    emu.scenario.failTasks({ image: 'nginx:1.27' }, { kind: 'cannot-pull' })
    const id = await deploy(v2)
    await until(emu, id, 'Failed')
    expect((await info(id)).errorInformation!.code).toBe('ECS_UPDATE_ERROR')
    expect((await target(id)).lifecycleEvents!.find(e => e.lifecycleEventName === 'Install')!.status).toBe(
      'Failed'
    )
    expect((await service()).taskDefinition).toBe(v1)
  })

  it('the SDK waiter sees Succeeded on a scaled real-time clock', async () => {
    const { v2 } = await setup({}, { clock: { mode: 'real', speed: 200 } })
    const id = await deploy(v2)
    const result = await waitUntilDeploymentSuccessful(
      { client: cd, maxWaitTime: 60, minDelay: 0.05, maxDelay: 0.05 },
      { deploymentId: id }
    )
    expect(result.state).toBe('SUCCESS')
    expect((await service()).taskDefinition).toBe(v2)
  })

  it('serves applications, groups and deployments lists', async () => {
    const { emu, v2 } = await setup()
    expect((await cd.send(new ListApplicationsCommand({}))).applications).toEqual(['AppECS-prod-web'])
    const app = await cd.send(new GetApplicationCommand({ applicationName: 'AppECS-prod-web' }))
    expect(app.application).toMatchObject({ applicationName: 'AppECS-prod-web', computePlatform: 'ECS' })
    expect(app.application!.createTime).toBeInstanceOf(Date)
    const batch = await cd.send(new BatchGetApplicationsCommand({ applicationNames: ['AppECS-prod-web'] }))
    expect(batch.applicationsInfo).toHaveLength(1)
    await expect(cd.send(new GetApplicationCommand({ applicationName: 'nope' }))).rejects.toMatchObject({
      name: 'ApplicationDoesNotExistException'
    })
    const groups = await cd.send(new ListDeploymentGroupsCommand({ applicationName: 'AppECS-prod-web' }))
    expect(groups.deploymentGroups).toEqual(['DgpECS-prod-web'])
    const group = await cd.send(
      new GetDeploymentGroupCommand({
        applicationName: 'AppECS-prod-web',
        deploymentGroupName: 'DgpECS-prod-web'
      })
    )
    expect(group.deploymentGroupInfo).toMatchObject({
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ecsServices: [{ clusterName: 'prod', serviceName: 'web' }],
      computePlatform: 'ECS'
    })
    await expect(
      cd.send(
        new GetDeploymentGroupCommand({ applicationName: 'AppECS-prod-web', deploymentGroupName: 'nope' })
      )
    ).rejects.toMatchObject({ name: 'DeploymentGroupDoesNotExistException' })
    const batchGroups = await cd.send(
      new BatchGetDeploymentGroupsCommand({
        applicationName: 'AppECS-prod-web',
        deploymentGroupNames: ['DgpECS-prod-web']
      })
    )
    expect(batchGroups.deploymentGroupsInfo).toHaveLength(1)
    const id = await deploy(v2)
    const list = await cd.send(
      new ListDeploymentsCommand({
        applicationName: 'AppECS-prod-web',
        deploymentGroupName: 'DgpECS-prod-web',
        includeOnlyStatuses: ['Created', 'InProgress', 'Ready']
      })
    )
    expect(list.deployments).toEqual([id])
    await until(emu, id, 'Succeeded')
    const g = await cd.send(
      new GetDeploymentGroupCommand({
        applicationName: 'AppECS-prod-web',
        deploymentGroupName: 'DgpECS-prod-web'
      })
    )
    expect(g.deploymentGroupInfo!.lastSuccessfulDeployment!.deploymentId).toBe(id)
  })

  it('ECS refuses a task definition change on a CODE_DEPLOY service', async () => {
    const { v2 } = await setup()
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: v2 }))
    ).rejects.toMatchObject({ name: 'InvalidParameterException' })
    const scaled = await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 3 })
    )
    expect(scaled.service!.desiredCount).toBe(3)
  })
})
