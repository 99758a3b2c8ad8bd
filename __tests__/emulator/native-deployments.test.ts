import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type ECSClient,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { emulatorForEachTest, network, seedWebService, webTaskDefinition } from './helpers.js'

let emulator: Emulator
let ecs: ECSClient

emulatorForEachTest(world => ({ emulator, ecs } = world))

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1'
const ALT_TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/2'
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/lb/1/2/3'
const TEST_RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/lb/1/2/4'
const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructure'
const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:check'

const loadBalancers = [
  {
    targetGroupArn: TG,
    containerName: 'app',
    containerPort: 80,
    advancedConfiguration: {
      alternateTargetGroupArn: ALT_TG,
      productionListenerRule: RULE,
      testListenerRule: TEST_RULE,
      roleArn: ROLE
    }
  }
]

async function seed(deploymentConfiguration: DeploymentConfiguration, desiredCount = 2) {
  const old = emulator.seedTaskDefinition(webTaskDefinition('nginx:1.26'))
  seedWebService(emulator, old, desiredCount, { loadBalancers, deploymentConfiguration })
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand(webTaskDefinition('nginx:1.27'))
  )
  return { oldArn: old, newArn: taskDefinition!.taskDefinitionArn! }
}

async function deploy(newArn: string): Promise<string> {
  const { service } = await ecs.send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn })
  )
  expect(service!.taskDefinition).toBe(newArn)
  const { serviceDeployments } = await ecs.send(
    new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' })
  )
  return serviceDeployments![0]!.serviceDeploymentArn!
}

async function describeDeployment(arn: string): Promise<ServiceDeployment> {
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))
  return out.serviceDeployments![0]!
}

interface Seen {
  stage: string
  status: string
  at: number
}

/** Advances the clock in 5 s steps until `until` holds (or `maxSeconds`), recording each stage change. */
async function walk(arn: string, maxSeconds: number, until: (d: ServiceDeployment) => boolean) {
  const seen: Seen[] = []
  let last = await describeDeployment(arn)
  for (let t = 0; t <= maxSeconds; t += 5) {
    last = await describeDeployment(arn)
    const stage = last.lifecycleStage ?? ''
    const status = last.status ?? ''
    const prev = seen[seen.length - 1]
    if (!prev || prev.stage !== stage || prev.status !== status) seen.push({ stage, status, at: t })
    if (until(last)) break
    await emulator.clock.advance(5000)
  }
  return { seen, last }
}

const finished = (d: ServiceDeployment) =>
  ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(d.status ?? '')

async function runningTaskDefinitions(): Promise<string[]> {
  const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web' }))
  if (!taskArns || taskArns.length === 0) return []
  const out = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns }))
  return out.tasks!.filter(t => t.lastStatus === 'RUNNING').map(t => t.taskDefinitionArn!)
}

describe('ECS-native deployments: validation on CreateService and UpdateService', () => {
  const create = async (extra: Record<string, unknown>) => {
    const td = emulator.seedTaskDefinition(webTaskDefinition())
    return ecs.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'api',
        taskDefinition: td,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network,
        ...extra
      })
    )
  }

  it.each([
    [
      'an unknown strategy',
      { deploymentConfiguration: { strategy: 'SIDEWAYS' } },
      /Invalid strategy 'SIDEWAYS'/
    ],
    [
      'a strategy other than ROLLING with the CODE_DEPLOY controller',
      {
        deploymentController: { type: 'CODE_DEPLOY' },
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
        loadBalancers
      },
      /requires the ECS deployment controller/
    ],
    [
      'BLUE_GREEN without bakeTimeInMinutes',
      { deploymentConfiguration: { strategy: 'BLUE_GREEN' }, loadBalancers },
      /bakeTimeInMinutes must be specified/
    ],
    [
      'a load balancer without advancedConfiguration',
      {
        deploymentConfiguration: { strategy: 'CANARY' },
        loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80 }]
      },
      /loadBalancers\[0\]\.advancedConfiguration must be specified for the CANARY/
    ],
    [
      'advancedConfiguration without alternateTargetGroupArn',
      {
        deploymentConfiguration: { strategy: 'LINEAR' },
        loadBalancers: [
          {
            targetGroupArn: TG,
            containerName: 'app',
            containerPort: 80,
            advancedConfiguration: { productionListenerRule: RULE, roleArn: ROLE }
          }
        ]
      },
      /advancedConfiguration\.alternateTargetGroupArn must be specified/
    ],
    [
      'linearConfiguration with CANARY',
      {
        deploymentConfiguration: { strategy: 'CANARY', linearConfiguration: { stepPercent: 10 } },
        loadBalancers
      },
      /linearConfiguration is only valid when the deployment strategy is LINEAR/
    ],
    [
      'a linear step under 3 percent',
      {
        deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } },
        loadBalancers
      },
      /linearConfiguration\.stepPercent must be a multiple of 0\.1 between 3 and 100/
    ],
    [
      'a Lambda hook without hookTargetArn',
      {
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 1,
          lifecycleHooks: [{ roleArn: ROLE, lifecycleStages: ['POST_SCALE_UP'] }]
        },
        loadBalancers
      },
      /lifecycleHooks\[0\]\.hookTargetArn must be specified for an AWS_LAMBDA lifecycle hook/
    ],
    [
      'a hook at an unknown stage',
      {
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 1,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['BAKE_TIME'] }]
        },
        loadBalancers
      },
      /Invalid lifecycle stage 'BAKE_TIME' in lifecycleHooks\[0\]/
    ],
    [
      'a hook timeout over 20160 minutes (the API reference range)',
      {
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 1,
          lifecycleHooks: [
            {
              targetType: 'PAUSE',
              lifecycleStages: ['POST_SCALE_UP'],
              timeoutConfiguration: { timeoutInMinutes: 20161 }
            }
          ]
        },
        loadBalancers
      },
      /lifecycleHooks\[0\]\.timeoutConfiguration\.timeoutInMinutes must be between 1 and 20160/
    ],
    [
      'a hook without stages',
      {
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 1,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: [] }]
        },
        loadBalancers
      },
      /lifecycleStages cannot be empty/
    ]
  ])('refuses %s with InvalidParameterException', async (_name, extra, message) => {
    await expect(create(extra)).rejects.toMatchObject({ name: 'InvalidParameterException', message })
    expect(
      emulator.writes().filter(r => r.operation === 'CreateService' && r.error === undefined)
    ).toHaveLength(0)
  })

  it('accepts a valid BLUE_GREEN service and returns its configuration', async () => {
    const { service } = await create({
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 5,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
      },
      loadBalancers
    })
    expect(service!.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 })
    expect(service!.loadBalancers![0]!.advancedConfiguration).toEqual(loadBalancers[0]!.advancedConfiguration)
  })

  it('accepts BLUE_GREEN without a load balancer (no managed traffic shifting)', async () => {
    const { service } = await create({
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 }
    })
    expect(service!.deploymentConfiguration!.strategy).toBe('BLUE_GREEN')
  })

  it('DescribeServices names the current service deployment (Service.currentServiceDeployment)', async () => {
    const { newArn } = await seed({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 })
    const { service } = await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: newArn })
    )
    const { serviceDeployments } = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' })
    )
    expect(service!.currentServiceDeployment).toBe(serviceDeployments![0]!.serviceDeploymentArn)
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
    expect(described.services![0]!.currentServiceDeployment).toBe(service!.currentServiceDeployment)
  })

  it('refuses UpdateService to BLUE_GREEN without bakeTimeInMinutes, changing nothing', async () => {
    const td = emulator.seedTaskDefinition(webTaskDefinition())
    seedWebService(emulator, td, 1, { loadBalancers })
    await expect(
      ecs.send(
        new UpdateServiceCommand({
          cluster: 'prod',
          service: 'web',
          deploymentConfiguration: { strategy: 'BLUE_GREEN' }
        })
      )
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: /bakeTimeInMinutes must be specified/
    })
    const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services![0]!
    expect(s.deploymentConfiguration!.strategy).toBeUndefined()
  })
})

describe('ECS-native deployments: lifecycle on the virtual clock', () => {
  it('walks a BLUE_GREEN deployment through its stages, holding blue through bake time', async () => {
    const { oldArn, newArn } = await seed({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 })
    const arn = await deploy(newArn)
    let blueDuringBake = false
    const seen: Seen[] = []
    for (let t = 0; t < 900; t += 5) {
      const d = await describeDeployment(arn)
      const prev = seen[seen.length - 1]
      if (!prev || prev.stage !== d.lifecycleStage || prev.status !== d.status)
        seen.push({ stage: d.lifecycleStage ?? '', status: d.status ?? '', at: t })
      if (
        d.lifecycleStage === 'BAKE_TIME' &&
        (await runningTaskDefinitions()).filter(a => a === oldArn).length === 2
      )
        blueDuringBake = true
      if (finished(d)) break
      await emulator.clock.advance(5000)
    }
    const stages = [...new Set(seen.map(s => s.stage))]
    expect(stages).toEqual(
      [
        'PRE_SCALE_UP',
        'SCALE_UP',
        'POST_SCALE_UP',
        'TEST_TRAFFIC_SHIFT',
        'POST_TEST_TRAFFIC_SHIFT',
        'PRODUCTION_TRAFFIC_SHIFT',
        'POST_PRODUCTION_TRAFFIC_SHIFT',
        'BAKE_TIME',
        'CLEAN_UP'
      ].filter(s => stages.includes(s))
    )
    expect(stages).toEqual(expect.arrayContaining(['SCALE_UP', 'BAKE_TIME', 'CLEAN_UP']))
    expect(seen[seen.length - 1]!.status).toBe('SUCCESSFUL')
    expect(blueDuringBake).toBe(true)
    const bake = seen.find(s => s.stage === 'BAKE_TIME')!
    const cleanUp = seen.find(s => s.stage === 'CLEAN_UP')!
    expect(cleanUp.at - bake.at).toBeGreaterThanOrEqual(120)
    expect(cleanUp.at - bake.at).toBeLessThan(130)
    expect(await runningTaskDefinitions()).toEqual([newArn, newArn])
    const d = await describeDeployment(arn)
    expect(d.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 })
  })

  it('rolls back when a Lambda hook answers FAILED, naming the stage and the hook', async () => {
    emulator.scenario.answerHooks({
      hookTargetArn: LAMBDA,
      stage: 'POST_TEST_TRAFFIC_SHIFT',
      answer: 'FAILED'
    })
    const { oldArn, newArn } = await seed({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [
        {
          hookTargetArn: LAMBDA,
          roleArn: ROLE,
          lifecycleStages: ['POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT']
        }
      ]
    })
    const arn = await deploy(newArn)
    const failedHook = await walk(arn, 600, d =>
      (d.lifecycleHookDetails ?? []).some(h => h.status === 'FAILED' || h.status === 'SUCCEEDED')
        ? d.lifecycleStage === 'POST_TEST_TRAFFIC_SHIFT' && d.status !== 'IN_PROGRESS'
        : false
    )
    const d = failedHook.last
    expect(d.status).toBe('ROLLBACK_IN_PROGRESS')
    expect(d.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT')
    expect(d.lifecycleHookDetails).toEqual([
      expect.objectContaining({ targetType: 'AWS_LAMBDA', targetArn: LAMBDA, status: 'FAILED' })
    ])
    expect(d.statusReason).toMatch(/failed at POST_TEST_TRAFFIC_SHIFT/)
    expect(d.rollback?.reason).toBe(d.statusReason)
    const { last } = await walk(arn, 120, finished)
    expect(last.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(await runningTaskDefinitions()).toEqual([oldArn, oldArn])
    const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services![0]!
    expect(s.taskDefinition).toBe(oldArn)
  })

  it('rolls back when a Lambda hook never answers and times out (timeout action ROLLBACK)', async () => {
    emulator.scenario.answerHooks({ answer: 'NO_ANSWER' })
    const { newArn } = await seed({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [
        {
          hookTargetArn: LAMBDA,
          roleArn: ROLE,
          lifecycleStages: ['PRE_SCALE_UP'],
          timeoutConfiguration: { timeoutInMinutes: 1 }
        }
      ]
    })
    const arn = await deploy(newArn)
    const first = await describeDeployment(arn)
    expect(first.lifecycleHookDetails![0]).toMatchObject({ status: 'IN_PROGRESS', timeoutAction: 'ROLLBACK' })
    const { last } = await walk(arn, 300, finished)
    expect(last.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(last.lifecycleHookDetails![0]!.status).toBe('TIMED_OUT')
    expect(last.statusReason).toMatch(/timed out at PRE_SCALE_UP/)
  })

  it('waits at a PAUSE hook until ContinueServiceDeployment CONTINUE, then completes', async () => {
    const { newArn } = await seed({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
    })
    const arn = await deploy(newArn)
    const { last: paused } = await walk(arn, 600, d =>
      (d.lifecycleHookDetails ?? []).some(h => h.status === 'AWAITING_ACTION')
    )
    expect(paused.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT')
    const hook = paused.lifecycleHookDetails![0]!
    expect(hook).toMatchObject({ targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' })
    expect(hook.hookId).toMatch(/^ecs-pause-/)
    expect(hook.targetArn).toBeUndefined()
    await emulator.clock.advance(30 * 60 * 1000)
    const still = await describeDeployment(arn)
    expect(still).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' })

    await expect(
      ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: 'ecs-pause-nope' }))
    ).rejects.toMatchObject({ name: 'InvalidParameterException' })
    await expect(
      ecs.send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: `${arn}x`,
          hookId: hook.hookId!
        })
      )
    ).rejects.toMatchObject({ name: 'ServiceDeploymentNotFoundException' })
    const out = await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: hook.hookId!,
        action: 'CONTINUE'
      })
    )
    expect(out.serviceDeploymentArn).toBe(arn)
    const { last } = await walk(arn, 600, finished)
    expect(last.status).toBe('SUCCESSFUL')
    await expect(
      ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! }))
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: /SUCCESSFUL status/ })
    expect(await runningTaskDefinitions()).toEqual([newArn, newArn])
  })

  it('rolls back a PAUSE hook answered with ROLLBACK', async () => {
    const { oldArn, newArn } = await seed({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }]
    })
    const arn = await deploy(newArn)
    const { last: paused } = await walk(arn, 600, d =>
      (d.lifecycleHookDetails ?? []).some(h => h.status === 'AWAITING_ACTION')
    )
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: paused.lifecycleHookDetails![0]!.hookId!,
        action: 'ROLLBACK'
      })
    )
    expect((await describeDeployment(arn)).status).toBe('ROLLBACK_IN_PROGRESS')
    const { last } = await walk(arn, 120, finished)
    expect(last.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(last.statusReason).toMatch(/ContinueServiceDeployment at POST_SCALE_UP/)
    expect(await runningTaskDefinitions()).toEqual([oldArn, oldArn])
  })

  it('StopServiceDeployment ROLLBACK during bake time keeps the blue tasks it never stopped', async () => {
    const { oldArn, newArn } = await seed({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 })
    const blue = (await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web' }))).taskArns!
    const arn = await deploy(newArn)
    await walk(arn, 600, d => d.lifecycleStage === 'BAKE_TIME')
    await emulator.clock.advance(60_000)
    expect((await describeDeployment(arn)).lifecycleStage).toBe('BAKE_TIME')
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }))
    const { last } = await walk(arn, 120, finished)
    expect(last.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(last.rollback?.reason).toMatch(/stop request/)
    const now = (await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web' }))).taskArns!
    expect([...now].sort()).toEqual([...blue].sort())
    expect(await runningTaskDefinitions()).toEqual([oldArn, oldArn])
  })

  it('a deployment started while another is in progress begins at RECONCILE_SERVICE and supersedes it', async () => {
    const { newArn } = await seed({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['RECONCILE_SERVICE', 'POST_SCALE_UP'] }]
    })
    const first = await deploy(newArn)
    await walk(first, 600, d => (d.lifecycleHookDetails ?? []).some(h => h.status === 'AWAITING_ACTION'))
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand(webTaskDefinition('nginx:1.28'))
    )
    const second = await deploy(taskDefinition!.taskDefinitionArn!)
    expect((await describeDeployment(first)).status).toBe('STOPPED')
    const d = await describeDeployment(second)
    expect(d).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'RECONCILE_SERVICE' })
    expect(d.lifecycleHookDetails).toEqual([expect.objectContaining({ status: 'AWAITING_ACTION' })])
  })

  it('a superseding deployment reconciles the superseded green tasks away, keeps blue, and scales up its own', async () => {
    const { oldArn, newArn } = await seed({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
    })
    const first = await deploy(newArn)
    await walk(first, 600, d => (d.lifecycleHookDetails ?? []).some(h => h.status === 'AWAITING_ACTION'))
    expect((await runningTaskDefinitions()).sort()).toEqual([oldArn, oldArn, newArn, newArn].sort())
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand(webTaskDefinition('nginx:1.28'))
    )
    const third = taskDefinition!.taskDefinitionArn!
    const second = await deploy(third)
    const { last } = await walk(second, 600, d =>
      (d.lifecycleHookDetails ?? []).some(h => h.status === 'AWAITING_ACTION')
    )
    expect(last.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT')
    // Blue still takes production traffic; the superseded green (nginx:1.27) is gone.
    expect((await runningTaskDefinitions()).sort()).toEqual([oldArn, oldArn, third, third].sort())
  })

  it('CANARY holds production traffic shift for canaryBakeTimeInMinutes', async () => {
    const { newArn } = await seed({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 }
    })
    const arn = await deploy(newArn)
    const { seen, last } = await walk(arn, 900, finished)
    expect(last.status).toBe('SUCCESSFUL')
    const shift = seen.find(s => s.stage === 'PRODUCTION_TRAFFIC_SHIFT')!
    const after = seen[seen.indexOf(shift) + 1]!
    expect(after.at - shift.at).toBeGreaterThanOrEqual(180)
    expect(after.at - shift.at).toBeLessThan(190)
  })

  it('LINEAR shifts in steps of stepPercent, waiting stepBakeTimeInMinutes between them', async () => {
    const { newArn } = await seed({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }
    })
    const arn = await deploy(newArn)
    const { seen, last } = await walk(arn, 900, finished)
    expect(last.status).toBe('SUCCESSFUL')
    const shift = seen.find(s => s.stage === 'PRODUCTION_TRAFFIC_SHIFT')!
    const after = seen[seen.indexOf(shift) + 1]!
    // 25, 50, 75, 100: three waits of a minute.
    expect(after.at - shift.at).toBeGreaterThanOrEqual(180)
    expect(after.at - shift.at).toBeLessThan(190)
  })
})

describe('ECS-native deployments: the seed file', () => {
  it('answerHooks and lambdaHookSeconds from a seed file script the Lambda hooks', async () => {
    const { applySeed } = await import('../../test/emulator/cli.js')
    applySeed(emulator, {
      taskDefinitions: [webTaskDefinition('nginx:1.26') as never],
      services: [
        {
          cluster: 'prod',
          serviceName: 'web',
          taskDefinition: 'web:1',
          desiredCount: 1,
          launchType: 'FARGATE',
          networkConfiguration: network,
          loadBalancers: loadBalancers,
          deploymentConfiguration: {
            strategy: 'BLUE_GREEN',
            bakeTimeInMinutes: 0,
            lifecycleHooks: [{ hookTargetArn: LAMBDA, roleArn: ROLE, lifecycleStages: ['PRE_SCALE_UP'] }]
          }
        }
      ],
      scenario: { lambdaHookSeconds: 40, answerHooks: [{ stage: 'PRE_SCALE_UP', answer: 'FAILED' }] }
    })
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand(webTaskDefinition('nginx:1.27'))
    )
    const arn = await deploy(taskDefinition!.taskDefinitionArn!)
    await emulator.clock.advance(35_000)
    expect((await describeDeployment(arn)).lifecycleHookDetails![0]!.status).toBe('IN_PROGRESS')
    const { last } = await walk(arn, 120, finished)
    expect(last.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(last.lifecycleHookDetails![0]!.status).toBe('FAILED')
  })
})
