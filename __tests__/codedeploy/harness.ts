/**
 * A blue/green world in the emulator (cluster, CODE_DEPLOY service behind a load balancer, CodeDeploy
 * application and group) and a project on disk, driven through the real SDK clients and the action's own
 * client factory. Time is the emulator's virtual clock: sleeping advances it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, jest } from '@jest/globals'
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js'
import type { Clock } from '../../src/clock.js'
import type { CommandContext, GithubContext } from '../../src/commands/types.js'
import { describeLive, type LiveState } from '../../src/ecs/live.js'
import type { ActionInputs } from '../../src/inputs.js'
import { defaultInputs } from '../helpers/inputs.js'
import { memoryLogger } from '../../src/log.js'
import { loadProject, type Project } from '../../src/project.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import type { Json } from '../../test/emulator/util.js'

export const CLUSTER = 'prod'
export const SERVICE = 'web'
export const APP = 'AppECS-prod-web'
export const GROUP = 'DgpECS-prod-web'

export const network = {
  awsvpcConfiguration: {
    subnets: ['subnet-0123', 'subnet-4567'],
    securityGroups: ['sg-0123'],
    assignPublicIp: 'DISABLED'
  }
}
export const loadBalancers = [
  {
    targetGroupArn:
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef',
    containerName: 'app',
    containerPort: 8080
  }
]

export const taskDefinition = (image: string) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }]
})

export const github: GithubContext = {
  eventName: 'push',
  payload: {},
  repository: 'acme/web',
  sha: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
  runId: '1001',
  runAttempt: '1',
  actor: 'octocat',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  pullRequest: undefined
}

export function inputs(overrides: Partial<ActionInputs> = {}): ActionInputs {
  return { ...defaultInputs, ...overrides }
}

export interface GroupOptions {
  name?: string
  app?: string
  cluster?: string
  service?: string
  deploymentConfigName?: string
  /** Minutes the deployment waits in Ready for rerouting (STOP_DEPLOYMENT); undefined reroutes at once. */
  readyWaitMinutes?: number
  autoRollback?: string[]
}

export function groupParams(o: GroupOptions = {}): Json {
  return {
    applicationName: o.app ?? APP,
    deploymentGroupName: o.name ?? GROUP,
    serviceRoleArn: 'arn:aws:iam::123456789012:role/ecsCodeDeployRole',
    deploymentConfigName: o.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce',
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    ecsServices: [{ clusterName: o.cluster ?? CLUSTER, serviceName: o.service ?? SERVICE }],
    loadBalancerInfo: {
      targetGroupPairInfoList: [
        {
          targetGroups: [{ name: 'web-blue' }, { name: 'web-green' }],
          prodTrafficRoute: {
            listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/80']
          },
          testTrafficRoute: {
            listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/8080']
          }
        }
      ]
    },
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
      deploymentReadyOption:
        o.readyWaitMinutes === undefined
          ? { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 }
          : { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: o.readyWaitMinutes }
    },
    autoRollbackConfiguration: { enabled: (o.autoRollback ?? []).length > 0, events: o.autoRollback ?? [] }
  }
}

export interface World {
  emulator: Emulator
  clients: AwsClients
  clock: Clock
  oldArn: string
  newArn: string
}

/** An emulator with a steady CODE_DEPLOY service on `web:1`, and `web:2` registered to deploy. */
export async function blueGreenWorld(
  options: { groups?: GroupOptions[]; apps?: string[] } = {}
): Promise<World> {
  const emulator = await startEmulator()
  emulator.createCluster(CLUSTER)
  const oldArn = emulator.seedTaskDefinition(taskDefinition('web:1.0'))
  emulator.seedService({
    cluster: CLUSTER,
    serviceName: SERVICE,
    taskDefinition: oldArn,
    desiredCount: 2,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: network,
    loadBalancers,
    healthCheckGracePeriodSeconds: 30,
    deploymentController: { type: 'CODE_DEPLOY' }
  })
  for (const app of options.apps ?? [APP]) emulator.codedeploy.createApplication(app)
  for (const group of options.groups ?? [{}]) emulator.codedeploy.createDeploymentGroup(groupParams(group))
  const newArn = emulator.seedTaskDefinition(taskDefinition('web:2.0'))
  emulator.clearLog()
  const clients = createAwsClients({ region: emulator.region, endpoint: emulator.endpoint, maxAttempts: 5 })
  const clock: Clock = { now: () => emulator.clock.now(), sleep: ms => emulator.clock.advance(ms) }
  return { emulator, clients, clock, oldArn, newArn }
}

/**
 * A test file's hooks for blue/green worlds: fake AWS credentials in the environment for each test, and the
 * world a test made closed after it. Returns what makes that world (blueGreenWorld, remembered for closing).
 */
export function blueGreenWorldPerTest(): (options?: Parameters<typeof blueGreenWorld>[0]) => Promise<World> {
  let world: World | undefined
  beforeEach(() => {
    jest.replaceProperty(process, 'env', {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret'
    })
  })
  afterEach(async () => {
    jest.restoreAllMocks()
    await world?.emulator.close()
    world = undefined
  })
  return async options => (world = await blueGreenWorld(options))
}

export interface ProjectFiles {
  /** Extra YAML appended to ecspresso.yml (codedeploy, appspec sections). */
  config?: string
  service?: Record<string, unknown>
  files?: Record<string, string>
}

export async function writeProject(files: ProjectFiles = {}): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), 'bluegreen-'))
  const config = [
    'region: us-east-1',
    `cluster: ${CLUSTER}`,
    `service: ${SERVICE}`,
    'service_definition: ecs-service-def.json',
    'task_definition: ecs-task-def.json',
    'timeout: 30m',
    files.config ?? ''
  ].join('\n')
  await writeFile(join(dir, 'ecspresso.yml'), `${config}\n`)
  await writeFile(join(dir, 'ecs-task-def.json'), JSON.stringify(taskDefinition('web:2.0'), null, 2))
  await writeFile(
    join(dir, 'ecs-service-def.json'),
    JSON.stringify(
      {
        deploymentController: { type: 'CODE_DEPLOY' },
        launchType: 'FARGATE',
        platformVersion: 'LATEST',
        desiredCount: 2,
        healthCheckGracePeriodSeconds: 30,
        loadBalancers,
        networkConfiguration: network,
        ...files.service
      },
      null,
      2
    )
  )
  for (const [name, text] of Object.entries(files.files ?? {})) await writeFile(join(dir, name), text)
  return loadProject({ configPath: join(dir, 'ecspresso.yml'), env: {}, log: memoryLogger() })
}

export function context(world: World, overrides: Partial<ActionInputs> = {}) {
  const log = memoryLogger()
  const ctx: CommandContext = {
    inputs: inputs(overrides),
    env: {},
    awsClients: () => world.clients,
    github,
    log,
    clock: world.clock,
    workDir: tmpdir(),
    pollIntervalMs: undefined
  }
  return { ctx, log }
}

export async function live(world: World): Promise<LiveState> {
  return describeLive(await world.clients.ecs(), CLUSTER, SERVICE)
}
