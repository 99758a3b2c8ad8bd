import {
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand
} from '@aws-sdk/client-codedeploy'
import { UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { deployWithCodeDeploy, planCodeDeploy } from '../../src/codedeploy/index.js'
import { sha256 } from '../../src/codedeploy/deployment.js'
import { ActionError } from '../../src/errors.js'
import type { Json } from '../../test/emulator/util.js'
import {
  APP,
  blueGreenWorldPerTest,
  CLUSTER,
  context,
  GROUP,
  live,
  SERVICE,
  writeProject,
  type ProjectFiles,
  type World
} from './harness.js'

const setUp = blueGreenWorldPerTest()

async function deploy(w: World, files: ProjectFiles = {}, inputs: Parameters<typeof context>[1] = {}) {
  const project = await writeProject(files)
  const { ctx, log } = context(w, inputs)
  const result = await deployWithCodeDeploy({
    ctx,
    project,
    live: await live(w),
    taskDefinitionArn: w.newArn,
    clients: w.clients
  })
  return { result, log, project }
}

const operations = (w: World, service = 'codedeploy') =>
  w.emulator.requests.filter(r => r.service === service).map(r => r.operation)

const serviceTaskDefinition = (w: World) => w.emulator.describeService(CLUSTER, SERVICE).taskDefinition

describe('discovery of the deployment group', () => {
  it('finds the one group whose ECS service is ours, and deploys through it (AllAtOnce)', async () => {
    const w = await setUp({
      apps: [APP, 'AppECS-other'],
      groups: [{}, { app: 'AppECS-other', name: 'other', service: 'api' }]
    })
    const { result, log } = await deploy(w)

    expect(result.status).toBe('succeeded')
    expect(result.failure).toBeUndefined()
    const [create] = w.emulator.calls('CreateDeployment')
    const id = result.outputs['deployment-id']!
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/)
    expect(result.outputs).toMatchObject({
      status: 'succeeded',
      'codedeploy-deployment-id': id,
      'task-definition-arn': w.newArn,
      'previous-task-definition-arn': w.oldArn,
      'console-url': `https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/${id}?region=us-east-1`
    })
    expect(serviceTaskDefinition(w)).toBe(w.newArn)

    // Discovery: the listing calls, then one CreateDeployment with the AppSpec inline.
    expect(operations(w).slice(0, 6)).toEqual([
      'ListApplications',
      'BatchGetApplications',
      'ListDeploymentGroups',
      'BatchGetDeploymentGroups',
      'ListDeploymentGroups',
      'BatchGetDeploymentGroups'
    ])
    const params = create!.params
    expect(params).toMatchObject({
      applicationName: APP,
      deploymentGroupName: GROUP,
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      description:
        'ecs-deploy-action: web:2 from acme/web@a1b2c3d4e5f6 by octocat (https://github.com/acme/web/actions/runs/1001)'
    })
    expect(params).not.toHaveProperty('autoRollbackConfiguration')
    const content = (params.revision as Json).appSpecContent as { content: string; sha256: string }
    expect(content.sha256).toBe(sha256(content.content))
    expect(parse(content.content)).toEqual({
      version: '0.0',
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: w.newArn,
              LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 },
              PlatformVersion: 'LATEST',
              NetworkConfiguration: {
                AwsvpcConfiguration: {
                  Subnets: ['subnet-0123', 'subnet-4567'],
                  SecurityGroups: ['sg-0123'],
                  AssignPublicIp: 'DISABLED'
                }
              }
            }
          }
        }
      ]
    })

    // The log shows the AppSpec and each lifecycle event as it changed.
    expect(log.lines).toContain('[group] AppSpec')
    const lifecycle = log.lines.filter(l =>
      /\] (BeforeInstall|Install|AfterInstall|AllowTestTraffic|AllowTraffic|AfterAllowTraffic) /.test(l)
    )
    expect(lifecycle.some(l => l.includes('Install Succeeded'))).toBe(true)
    expect(lifecycle.some(l => l.includes('AllowTraffic Succeeded'))).toBe(true)
    expect(log.lines.some(l => l.includes('traffic to the replacement task set: 100%'))).toBe(true)
    expect(result.summary).toContain('Blue/green deployment succeeded')
    expect(result.summary).toContain('(found by its ECS service)')
  })

  it('fails before any write when no group deploys the service, saying what to configure', async () => {
    const w = await setUp({ groups: [{ service: 'api' }] })
    const error = await deploy(w).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toBe(
      'no CodeDeploy ECS application has a deployment group for service web on cluster prod'
    )
    expect((error as ActionError).hint).toContain('application_name')
    expect(w.emulator.writes()).toEqual([])
  })

  it('fails before any write when several groups deploy the service, naming them', async () => {
    const w = await setUp({ groups: [{}, { name: 'DgpECS-prod-web-2' }] })
    const error = await deploy(w).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toContain(
      `2 CodeDeploy deployment groups deploy service web on cluster prod: ${APP}/${GROUP}, ${APP}/DgpECS-prod-web-2`
    )
    expect((error as ActionError).hint).toContain(
      `application_name: ${APP}\n  deployment_group_name: ${GROUP}`
    )
    expect(w.emulator.writes()).toEqual([])
  })

  it('uses the group named in the config without listing', async () => {
    const w = await setUp({ groups: [{}, { name: 'DgpECS-prod-web-2' }] })
    const { result } = await deploy(w, {
      config: `codedeploy:\n  application_name: ${APP}\n  deployment_group_name: DgpECS-prod-web-2`
    })
    expect(result.status).toBe('succeeded')
    expect(operations(w)).not.toContain('ListApplications')
    expect(operations(w)).not.toContain('ListDeploymentGroups')
    expect(w.emulator.calls('CreateDeployment')[0]!.params.deploymentGroupName).toBe('DgpECS-prod-web-2')
  })

  it('rides out throttling during discovery', async () => {
    const w = await setUp()
    w.emulator.faults.add({
      kind: 'throttle',
      service: 'codedeploy',
      operation: 'ListApplications',
      count: 1
    })
    w.emulator.faults.add({
      kind: 'throttle',
      service: 'codedeploy',
      operation: 'BatchGetDeploymentGroups',
      count: 1
    })
    const project = await writeProject()
    const { ctx } = context(w)
    const plan = await planCodeDeploy({
      ctx,
      project,
      live: await live(w),
      taskDefinitionArn: w.newArn,
      clients: w.clients
    })
    expect(plan.group).toMatchObject({ applicationName: APP, deploymentGroupName: GROUP })
    const throttled = w.emulator.requests.filter(r => r.fault === 'throttle').map(r => r.operation)
    expect(throttled).toEqual(['ListApplications', 'BatchGetDeploymentGroups'])
    expect(operations(w)).toEqual([
      'ListApplications',
      'ListApplications',
      'BatchGetApplications',
      'ListDeploymentGroups',
      'BatchGetDeploymentGroups',
      'BatchGetDeploymentGroups',
      // Is another deployment holding the group? Asked in the plan, before any write.
      'ListDeployments'
    ])
  })

  it('plans read-only: the group found and the AppSpec, no write', async () => {
    const w = await setUp()
    const project = await writeProject({ config: 'appspec:\n  Hooks:\n    - AfterAllowTestTraffic: smoke' })
    const { ctx } = context(w)
    const plan = await planCodeDeploy({
      ctx,
      project,
      live: await live(w),
      taskDefinitionArn: '(new revision)',
      clients: w.clients
    })
    expect(plan.group).toMatchObject({
      applicationName: APP,
      deploymentGroupName: GROUP,
      source: 'discovered'
    })
    expect(plan.appSpec).toContain('TaskDefinition: (new revision)')
    expect(plan.appSpec).toContain('- AfterAllowTestTraffic: smoke')
    expect(w.emulator.writes()).toEqual([])
  })
})

describe('traffic shifting', () => {
  it('shifts 10% first with a canary config named in the config, then the rest', async () => {
    const w = await setUp()
    const { result, log } = await deploy(w, {
      config: 'codedeploy:\n  deployment_config_name: CodeDeployDefault.ECSCanary10Percent5Minutes'
    })
    expect(result.status).toBe('succeeded')
    expect(w.emulator.calls('CreateDeployment')[0]!.params.deploymentConfigName).toBe(
      'CodeDeployDefault.ECSCanary10Percent5Minutes'
    )
    const traffic = log.lines
      .filter(l => l.includes('traffic to the replacement'))
      .map(l => l.replace(/^\[[^\]]*\] /, ''))
    expect(traffic).toEqual([
      'traffic to the replacement task set: 0%',
      'traffic to the replacement task set: 10%',
      'traffic to the replacement task set: 100%'
    ])
  })

  it('shifts in steps with a linear config, each step in the timeline', async () => {
    const w = await setUp({
      groups: [{ deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes' }]
    })
    const { result } = await deploy(w)
    expect(result.status).toBe('succeeded')
    const weights = result.summary
      .match(/traffic to the replacement task set: \d+%/g)!
      .map(t => Number(/(\d+)%/.exec(t)![1]))
    expect(weights).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
  })
})

describe('wait-until ready', () => {
  it('ends when the replacement takes test traffic and waits for rerouting; a later step can continue it', async () => {
    const w = await setUp({ groups: [{ readyWaitMinutes: 60 }] })
    const { result } = await deploy(w, {}, { waitUntil: 'ready' })
    expect(result.status).toBe('ready')
    expect(result.failure).toBeUndefined()
    const id = result.outputs['codedeploy-deployment-id']!
    const codedeploy = await w.clients.codedeploy()
    expect(
      (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!.status
    ).toBe('Ready')
    expect(serviceTaskDefinition(w)).toBe(w.oldArn)

    await codedeploy.send(
      new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })
    )
    for (let i = 0; i < 60; i++) await w.emulator.clock.advance(5000)
    expect(
      (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!.status
    ).toBe('Succeeded')
    expect(serviceTaskDefinition(w)).toBe(w.newArn)
  })
})

describe('failures', () => {
  it('reports a failing hook with its Lambda and message, and the automatic rollback', async () => {
    const w = await setUp()
    w.emulator.codedeploy.failHook('AfterAllowTestTraffic', {
      message: 'smoke test: GET /healthz returned 503'
    })
    const { result, log } = await deploy(
      w,
      { config: 'appspec:\n  Hooks:\n    - AfterAllowTestTraffic: web-smoke-test' },
      { rollbackEvents: ['DEPLOYMENT_FAILURE'] }
    )
    expect(result.status).toBe('rolled-back')
    expect(result.failure).toContain(
      'lifecycle event AfterAllowTestTraffic (hook web-smoke-test) failed: smoke test: GET /healthz returned 503'
    )
    expect(result.outputs['task-definition-arn']).toBe(w.oldArn)
    expect(serviceTaskDefinition(w)).toBe(w.oldArn)
    expect(w.emulator.calls('CreateDeployment')[0]!.params.autoRollbackConfiguration).toEqual({
      enabled: true,
      events: ['DEPLOYMENT_FAILURE']
    })
    expect(log.lines).toContain('  hook Lambda: web-smoke-test')
    expect(log.lines).toContain('  message: smoke test: GET /healthz returned 503')
    expect(log.lines.some(l => l.startsWith('rollback: '))).toBe(true)
    expect(result.summary).toContain('### What failed')
    expect(result.summary).toContain('`web-smoke-test`')
  })

  it('stops the deployment with rollback on timeout when DEPLOYMENT_STOP_ON_REQUEST is set', async () => {
    const w = await setUp({ groups: [{ readyWaitMinutes: 60 }] })
    const { result } = await deploy(
      w,
      {},
      { timeoutMs: 120_000, rollbackEvents: ['DEPLOYMENT_STOP_ON_REQUEST'] }
    )
    expect(result.status).toBe('rolled-back')
    expect(result.failure).toMatch(
      /did not finish within 2m; it was stopped; rolled back by deployment d-[A-Z0-9]+$/
    )
    const [stop] = w.emulator.calls('StopDeployment')
    expect(stop!.params).toEqual({ deploymentId: result.outputs['deployment-id'], autoRollbackEnabled: true })
    expect(serviceTaskDefinition(w)).toBe(w.oldArn)
  })

  it('leaves the deployment running on timeout without DEPLOYMENT_STOP_ON_REQUEST', async () => {
    const w = await setUp({ groups: [{ readyWaitMinutes: 60 }] })
    const { result } = await deploy(w, {}, { timeoutMs: 120_000 })
    expect(result.status).toBe('timed-out')
    expect(result.failure).toContain('did not finish within 2m (still Ready); it keeps running in CodeDeploy')
    expect(w.emulator.calls('StopDeployment')).toEqual([])
  })
})

describe('a deployment already in progress', () => {
  async function startOther(w: World): Promise<string> {
    const codedeploy = await w.clients.codedeploy()
    const out = await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: APP,
        deploymentGroupName: GROUP,
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: {
            content: `version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: ${w.oldArn}\n        LoadBalancerInfo:\n          ContainerName: app\n          ContainerPort: 8080\n`
          }
        }
      })
    )
    w.emulator.clearLog()
    return out.deploymentId!
  }

  it('fails by default, naming it with its console link, before any write', async () => {
    const w = await setUp({ groups: [{ readyWaitMinutes: 60 }] })
    const other = await startOther(w)
    const error = await deploy(w).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toContain(
      `deployment ${other} of CodeDeploy deployment group ${APP}/${GROUP} is still`
    )
    expect((error as ActionError).message).toContain(
      `/codesuite/codedeploy/deployments/${other}?region=us-east-1`
    )
    expect((error as ActionError).hint).toContain('codedeploy-in-progress: wait')
    expect(w.emulator.writes()).toEqual([])
  })

  it('waits for it to finish with codedeploy-in-progress: wait, then deploys', async () => {
    const w = await setUp()
    const other = await startOther(w)
    const { result, log } = await deploy(w, {}, { codedeployInProgress: 'wait' })
    expect(result.status).toBe('succeeded')
    expect(log.lines.some(l => l.startsWith(`waiting for deployment ${other}`))).toBe(true)
    const codedeploy = await w.clients.codedeploy()
    expect(
      (await codedeploy.send(new GetDeploymentCommand({ deploymentId: other }))).deploymentInfo!.status
    ).toBe('Succeeded')
    expect(w.emulator.calls('StopDeployment')).toEqual([])
    expect(w.emulator.writes().map(r => r.operation)).toEqual(['CreateDeployment'])
    expect(result.summary).toContain(`${other}\` waited for (Succeeded)`)
  })

  it('stops it with rollback with codedeploy-in-progress: stop, then deploys', async () => {
    const w = await setUp({ groups: [{ readyWaitMinutes: 60 }] })
    const other = await startOther(w)
    await w.emulator.clock.advance(60_000)
    const { result } = await deploy(w, {}, { codedeployInProgress: 'stop', waitUntil: 'ready' })
    expect(result.status).toBe('ready')
    expect(w.emulator.writes().map(r => r.operation)).toEqual(['StopDeployment', 'CreateDeployment'])
    expect(w.emulator.calls('StopDeployment')[0]!.params).toEqual({
      deploymentId: other,
      autoRollbackEnabled: true
    })
  })
})

describe('CodeDeploy rolling back an earlier deployment', () => {
  it('with codedeploy-in-progress: stop, the rollback deployment is waited for, never stopped', async () => {
    const w = await setUp({ groups: [{ autoRollback: ['DEPLOYMENT_FAILURE'] }] })
    w.emulator.codedeploy.failHook('AfterAllowTestTraffic', { times: 1 })
    w.emulator.codedeploy.rollbackSeconds(300)
    const first = await deploy(
      w,
      { config: 'appspec:\n  Hooks:\n    - AfterAllowTestTraffic: smoke' },
      {
        timeoutMs: 60_000
      }
    )
    expect(first.result.status).toBe('rolling-back')
    w.emulator.clearLog()
    const { result, log } = await deploy(w, {}, { codedeployInProgress: 'stop' })
    expect(result.status).toBe('succeeded')
    expect(w.emulator.calls('StopDeployment')).toEqual([])
    expect(log.lines.some(l => l.includes('as it is CodeDeploy rolling back an earlier deployment'))).toBe(
      true
    )
    expect(w.emulator.writes().map(r => r.operation)).toEqual(['CreateDeployment'])
  })
})

describe('service changes CodeDeploy cannot apply', () => {
  it('applies them first with UpdateService without a task definition', async () => {
    const w = await setUp()
    const { result, log } = await deploy(w, {
      service: { desiredCount: 3, healthCheckGracePeriodSeconds: 90 }
    })
    expect(result.status).toBe('succeeded')
    const writes = w.emulator.writes().map(r => `${r.service}:${r.operation}`)
    expect(writes).toEqual(['ecs:UpdateService', 'codedeploy:CreateDeployment'])
    expect(w.emulator.calls('UpdateService')[0]!.params).toEqual({
      cluster: CLUSTER,
      service: SERVICE,
      healthCheckGracePeriodSeconds: 90,
      desiredCount: 3
    })
    expect(log.lines).toContain(
      `updating service ${SERVICE} first (CodeDeploy cannot apply these): healthCheckGracePeriodSeconds, desiredCount`
    )
    expect(w.emulator.describeService(CLUSTER, SERVICE).desiredCount).toBe(3)
  })
})

describe('the service definition is the desired state with CodeDeploy too', () => {
  it('an omitted enableExecuteCommand turns exec off before the deployment, load balancers untouched', async () => {
    const w = await setUp()
    const ecs = await w.clients.ecs()
    await ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, enableExecuteCommand: true })
    )
    w.emulator.clearLog()
    const { result } = await deploy(w, { service: { healthCheckGracePeriodSeconds: 30 } })
    expect(result.status).toBe('succeeded')
    const update = w.emulator.calls('UpdateService')[0]!.params
    expect(update).toEqual({ cluster: CLUSTER, service: SERVICE, enableExecuteCommand: false })
    expect(w.emulator.describeService(CLUSTER, SERVICE).enableExecuteCommand).toBe(false)
  })
})

describe('creating the deployment exactly once', () => {
  it('after an ambiguous 5xx on CreateDeployment, finds the deployment it made instead of making another', async () => {
    const w = await setUp()
    w.emulator.faults.add({
      kind: 'server-error',
      service: 'codedeploy',
      operation: 'CreateDeployment',
      count: 1,
      when: 'after'
    })
    const { result } = await deploy(w)
    expect(result.status).toBe('succeeded')
    expect(w.emulator.calls('CreateDeployment')).toHaveLength(1)
    expect(operations(w)).toContain('BatchGetDeployments')
    const [listed] = w.emulator.calls('ListDeployments').filter(r => r.params.createTimeRange !== undefined)
    expect(listed!.params).toMatchObject({ applicationName: APP, deploymentGroupName: GROUP })
  })

  it('treats a deployment started between the check and the create as in progress', async () => {
    const w = await setUp()
    w.emulator.faults.add({
      kind: 'error',
      service: 'codedeploy',
      operation: 'CreateDeployment',
      count: 1,
      errorType: 'DeploymentLimitExceededException',
      message: `The Deployment Group '${GROUP}' already has an active Deployment 'd-RACE12345'`
    })
    const error = await deploy(w).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toContain(
      `deployment d-RACE12345 of CodeDeploy deployment group ${APP}/${GROUP}`
    )
  })
})

describe('without waiting', () => {
  it('creates the deployment and returns its id and link', async () => {
    const w = await setUp()
    const { result } = await deploy(w, {}, { wait: false })
    expect(result.status).toBe('started')
    expect(result.summary).toContain('Blue/green deployment created (not waited for)')
    expect(result.outputs['codedeploy-deployment-id']).toMatch(/^d-/)
    expect(result.outputs['console-url']).toContain(result.outputs['codedeploy-deployment-id'])
    expect(operations(w)).not.toContain('BatchGetDeploymentTargets')
  })
})

describe('job summary', () => {
  it('shows the group, the failing hook, lifecycle events, the timeline and the AppSpec', async () => {
    const w = await setUp({
      groups: [{ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' }]
    })
    w.emulator.codedeploy.failHook('AfterAllowTraffic', { message: 'final check failed' })
    const { result } = await deploy(
      w,
      {
        config:
          'appspec:\n  Hooks:\n    - AfterAllowTestTraffic: web-smoke-test\n    - AfterAllowTraffic: web-final'
      },
      { rollbackEvents: ['DEPLOYMENT_FAILURE'] }
    )
    expect(result.status).toBe('rolled-back')
    await expect(result.summary).toMatchFileSnapshot('__snapshots__/summary-hook-failure.md')
  })
})

describe('edge cases', () => {
  it('says how to avoid listing when discovery is denied', async () => {
    const w = await setUp()
    w.emulator.faults.add({
      kind: 'error',
      service: 'codedeploy',
      operation: 'ListApplications',
      errorType: 'AccessDeniedException'
    })
    const error = await deploy(w).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toContain('finding the CodeDeploy deployment group was denied')
    expect((error as ActionError).hint).toContain('codedeploy: application_name, deployment_group_name')
    expect(w.emulator.writes()).toEqual([])
  })

  it('with wait-until ready on a group that reroutes at once, warns and waits until it succeeds', async () => {
    const w = await setUp()
    const { result, log } = await deploy(w, {}, { waitUntil: 'ready' })
    expect(result.status).toBe('succeeded')
    expect(log.lines.some(l => l.startsWith('warning: wait-until is ready, but deployment group'))).toBe(true)
  })
})
