// The emulator refuses what ECS refuses, with ECS's error code and message, and changes nothing when it does.
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type Deployment,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { emulatorForEachTest, network, seedWebService } from './helpers.js'

let emulator: Emulator
let ecs: ECSClient

emulatorForEachTest(world => ({ emulator, ecs } = world), 1)

const targetGroupArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'

const task = (containers = [{ name: 'app', image: 'nginx:1.27', portMappings: [{ containerPort: 80 }] }]) =>
  ({
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: containers
  }) as RegisterTaskDefinitionCommandInput

async function refusal(send: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await send()
  } catch (error) {
    const { name, message } = error as Error
    return { name, message }
  }
  throw new Error('expected the emulator to refuse the request')
}

const register = (input: RegisterTaskDefinitionCommandInput) =>
  ecs.send(new RegisterTaskDefinitionCommand(input))
const registered = async () =>
  (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))).taskDefinitionArns ?? []

describe('RegisterTaskDefinition', () => {
  it('refuses a request over 64 KiB and accepts one of exactly 64 KiB', async () => {
    const sized = (bytes: number) => {
      const input = task([{ name: 'app', image: 'nginx', environment: [{ name: 'A', value: '' }] }] as never)
      const base = Buffer.byteLength(JSON.stringify(input))
      input.containerDefinitions![0]!.environment![0]!.value = 'x'.repeat(bytes - base)
      return input
    }
    expect(await refusal(() => register(sized(65537)))).toEqual({
      name: 'ClientException',
      message: "Actual length: '65537'. Max allowed length is '65536' bytes."
    })
    expect(await registered()).toEqual([])
    await register(sized(65536))
    expect(await registered()).toHaveLength(1)
  })

  it('refuses more than 10 containers', async () => {
    const containers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'nginx' }))
    expect(await refusal(() => register(task(containers(11) as never)))).toEqual({
      name: 'ClientException',
      message: 'Too many containers.'
    })
    await register(task(containers(10) as never))
    expect(await registered()).toHaveLength(1)
  })

  it.each(['repo/web:tag=evil', 'repo/web@sha256:=abc', 'repo/web\u0000:v1', 'repo/web latest'])(
    'refuses the image %j',
    async image => {
      expect(await refusal(() => register(task([{ name: 'app', image }] as never)))).toEqual({
        name: 'ClientException',
        message: 'Container.image contains invalid characters.'
      })
      expect(await registered()).toEqual([])
    }
  )

  it('refuses an image over 255 characters, accepts ECR, public ECR, digests and registries with ports', async () => {
    expect(
      await refusal(() => register(task([{ name: 'app', image: `a/${'b'.repeat(254)}` }] as never)))
    ).toEqual({
      name: 'ClientException',
      message: 'Container.image should be 255 characters or less'
    })
    for (const image of [
      'public.ecr.aws/nginx/nginx:1.27',
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'ab'.repeat(32)}`,
      'localhost:5000/a/b:tag',
      'nginx'
    ])
      await register(task([{ name: 'app', image }] as never))
    expect(await registered()).toHaveLength(4)
  })

  it('registers an image of valid characters that is no reference, whose tasks then fail to pull', async () => {
    const { taskDefinition } = await register(task([{ name: 'app', image: 'repo/web:a:b' }] as never))
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'web',
        taskDefinition: taskDefinition!.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network
      })
    )
    await emulator.clock.advance(15_000)
    const { taskArns } = await ecs.send(
      new ListTasksCommand({ cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' })
    )
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns! }))
    expect(tasks![0]).toMatchObject({
      stopCode: 'TaskFailedToStart',
      stoppedReason:
        'CannotPullContainerError: failed to parse image reference "repo/web:a:b": invalid reference format'
    })
  })

  it('refuses dependsOn naming a container that is not in the task definition', async () => {
    const input = task([
      { name: 'app', image: 'nginx', dependsOn: [{ containerName: 'envoy', condition: 'START' }] }
    ] as never)
    expect(await refusal(() => register(input))).toEqual({
      name: 'ClientException',
      message: "Cannot depend on container + 'envoy' because it does not exist"
    })
  })
})

describe('CreateService and UpdateService against the task definition', () => {
  const base = (
    taskDefinition: string,
    extra: Partial<CreateServiceCommandInput> = {}
  ): CreateServiceCommandInput => ({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: network,
    ...extra
  })
  const services = async () =>
    (await ecs.send(new ListServicesCommand({ cluster: 'prod' }))).serviceArns ?? []

  it.each([
    [
      'a load balancer container that does not exist',
      { loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 80 }] },
      'The container web does not exist in the task definition.'
    ],
    [
      'a load balancer port the container does not map',
      { loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 8080 }] },
      'The container app did not have a container port 8080 defined.'
    ],
    [
      'a service registry container that does not exist',
      { serviceRegistries: [{ registryArn: 'arn:sd', containerName: 'proxy', containerPort: 80 }] },
      'The container proxy does not exist in the task definition.'
    ],
    [
      'a Service Connect portName that names no port mapping',
      {
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'internal',
          services: [{ portName: 'grpc' }]
        }
      },
      'The port name grpc specified in the Service Connect configuration does not exist in the task definition.'
    ],
    [
      'volume configurations without a configuredAtLaunch volume',
      { volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: 'arn:role' } }] },
      'Volume configuration provided but no matching configuredAtLaunch volume found in task definition.'
    ]
  ])('CreateService refuses %s', async (_, extra, message) => {
    const { taskDefinition } = await register(task())
    const error = await refusal(() =>
      ecs.send(new CreateServiceCommand(base(taskDefinition!.taskDefinitionArn!, extra as never)))
    )
    expect(error).toEqual({ name: 'InvalidParameterException', message })
    expect(await services()).toEqual([])
  })

  it('CreateService accepts a service that fits its task definition', async () => {
    const { taskDefinition } = await register({
      ...task([
        { name: 'app', image: 'nginx', portMappings: [{ name: 'http', containerPort: 80 }] }
      ] as never),
      volumes: [{ name: 'data', configuredAtLaunch: true }]
    })
    await ecs.send(
      new CreateServiceCommand(
        base(taskDefinition!.taskDefinitionArn!, {
          loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 80 }],
          serviceConnectConfiguration: {
            enabled: true,
            namespace: 'internal',
            services: [{ portName: 'http' }]
          },
          volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: 'arn:role' } }]
        })
      )
    )
    expect(await services()).toHaveLength(1)
  })

  it('UpdateService checks the new revision against the live load balancer, and changes nothing when it refuses', async () => {
    const v1 = emulator.seedTaskDefinition(task())
    emulator.seedService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: v1,
      launchType: 'FARGATE',
      networkConfiguration: network,
      loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 80 }]
    })
    // The container was renamed in the new revision; the service still sends traffic to `app`.
    const { taskDefinition } = await register(
      task([{ name: 'web', image: 'nginx:1.28', portMappings: [{ containerPort: 80 }] }] as never)
    )
    const error = await refusal(() =>
      ecs.send(
        new UpdateServiceCommand({
          cluster: 'prod',
          service: 'web',
          taskDefinition: taskDefinition!.taskDefinitionArn
        })
      )
    )
    expect(error).toEqual({
      name: 'InvalidParameterException',
      message: 'The container app does not exist in the task definition.'
    })
    const live = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services![0]!
    expect(live.taskDefinition).toBe(v1)
    expect(live.deployments).toHaveLength(1)
    // Giving the matching load balancer in the same call is accepted.
    await ecs.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'web',
        taskDefinition: taskDefinition!.taskDefinitionArn,
        loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 80 }]
      })
    )
  })
})

describe('failure rules and load balancer health', () => {
  const twoContainers = () =>
    task([
      {
        name: 'app',
        image: 'registry.example.com/app:v2',
        essential: true,
        portMappings: [{ containerPort: 80 }]
      },
      { name: 'worker', image: 'registry.example.com/worker:v2', essential: true },
      { name: 'log-router', image: 'registry.example.com/fluent-bit:v2', essential: false }
    ] as never)

  async function oneTask() {
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web' }))
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' })
    )
    const arns = [...taskArns!, ...stopped.taskArns!]
    return (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: arns }))).tasks!
  }

  /** Service `web` of one task of `twoContainers`, created through ECS's API. */
  async function createTwoContainerService() {
    const arn = emulator.seedTaskDefinition(twoContainers())
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'web',
        taskDefinition: arn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network
      })
    )
  }

  it('an exit rule fails the container it names, not the first essential one', async () => {
    emulator.scenario.failTasks(
      { image: /worker:v2/ },
      { kind: 'exit', container: 'worker', exitCode: 137, afterSeconds: 5 }
    )
    await createTwoContainerService()
    await emulator.clock.advance(20_000)
    const [t] = (await oneTask()).filter(x => x.stopCode === 'EssentialContainerExited')
    const byName = Object.fromEntries(t!.containers!.map(c => [c.name, c.exitCode]))
    expect(byName.worker).toBe(137)
    expect(byName.app).not.toBe(137)
  })

  it('a non-essential container that exits leaves the task running', async () => {
    emulator.scenario.failTasks({}, { kind: 'exit', container: 'log-router', exitCode: 1, afterSeconds: 5 })
    await createTwoContainerService()
    await emulator.clock.advance(30_000)
    const tasks = await oneTask()
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.lastStatus).toBe('RUNNING')
    const router = tasks[0]!.containers!.find(c => c.name === 'log-router')!
    expect(router).toMatchObject({ lastStatus: 'STOPPED', exitCode: 1 })
  })

  it('a cannot-pull rule matched by image fails the container with that image', async () => {
    emulator.scenario.failTasks({ image: 'registry.example.com/worker:v2' }, { kind: 'cannot-pull' })
    await createTwoContainerService()
    await emulator.clock.advance(15_000)
    const [t] = (await oneTask()).filter(x => x.stopCode === 'TaskFailedToStart')
    expect(t!.stoppedReason).toContain('failed to resolve ref registry.example.com/worker:v2')
    const reasons = Object.fromEntries(t!.containers!.map(c => [c.name, c.reason]))
    expect(reasons.worker).toMatch(/^CannotPullContainerError/)
    expect(reasons.app).toBeUndefined()
  })

  async function rollingBehindLoadBalancer() {
    const v1 = emulator.seedTaskDefinition(task())
    seedWebService(emulator, v1, 2, {
      loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 80 }],
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 }
    })
    const { taskDefinition } = await register(
      task([{ name: 'app', image: 'nginx:1.28', portMappings: [{ containerPort: 80 }] }])
    )
    await ecs.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'web',
        taskDefinition: taskDefinition!.taskDefinitionArn
      })
    )
    const running = async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
        .services![0]!
      const byTd = (d: Deployment) => d.taskDefinition === v1
      return {
        old: s.deployments!.filter(byTd).reduce((n, d) => n + (d.runningCount ?? 0), 0),
        new: s.deployments!.filter(d => !byTd(d)).reduce((n, d) => n + (d.runningCount ?? 0), 0),
        rollout: s.deployments![0]!.rolloutState
      }
    }
    return { running }
  }

  it('minimumHealthyPercent 100 behind a load balancer keeps old tasks until new ones pass health checks', async () => {
    emulator.scenario.healthCheckSeconds(20)
    const { running } = await rollingBehindLoadBalancer()
    // New tasks RUNNING after 10 s, healthy 20 s later: in between, both old tasks still serve.
    await emulator.clock.advance(15_000)
    expect(await running()).toMatchObject({ old: 2, new: 2 })
    await emulator.clock.advance(10_000)
    expect(await running()).toMatchObject({ old: 2, new: 2 })
    await emulator.clock.advance(10_000)
    expect((await running()).old).toBe(0)
    await emulator.clock.advance(60_000)
    expect(await running()).toMatchObject({ old: 0, new: 2, rollout: 'COMPLETED' })
  })

  it('new tasks that fail the health checks never replace the old ones', async () => {
    emulator.scenario.failTasks({ image: 'nginx:1.28' }, { kind: 'unhealthy', afterSeconds: 60 })
    const { running } = await rollingBehindLoadBalancer()
    await emulator.clock.advance(50_000)
    expect(await running()).toMatchObject({ old: 2, new: 2, rollout: 'IN_PROGRESS' })
    await emulator.clock.advance(60_000)
    expect((await running()).old).toBe(2)
  })
})
