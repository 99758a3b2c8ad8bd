import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import { afterEach, beforeAll, beforeEach } from '@jest/globals'
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js'
import type { CommandContext } from '../../src/commands/types.js'
import type { Config } from '../../src/config/types.js'
import type { ServiceDefinition } from '../../src/ecs/service-input.js'
import type { ActionInputs } from '../../src/inputs.js'
import { defaultInputs } from '../helpers/inputs.js'
import { network } from '../helpers/fixtures.js'
import { memoryLogger } from '../../src/log.js'
import type { Project } from '../../src/project.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'

export { defaultInputs, network }

export const taskDefinition = (image: string): RegisterTaskDefinitionCommandInput => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 80 }] }]
})

export const serviceDefinition = (extra: Partial<ServiceDefinition> = {}): ServiceDefinition => ({
  launchType: 'FARGATE',
  desiredCount: 2,
  networkConfiguration: network,
  ...extra
})

export function project(options: {
  taskDefinition?: RegisterTaskDefinitionCommandInput | undefined
  serviceDefinition?: ServiceDefinition | undefined
  config?: Partial<Config>
}): Project {
  const config: Config = {
    path: '/repo/ecspresso.yml',
    region: 'us-east-1',
    cluster: 'prod',
    service: 'web',
    serviceDefinition: '/repo/ecs-service-def.json',
    taskDefinition: '/repo/ecs-task-def.json',
    timeoutMs: undefined,
    codedeploy: undefined,
    appspec: undefined,
    plugins: [],
    requiredVersion: undefined,
    ignore: { tags: [] },
    ...options.config
  }
  return {
    config,
    taskDefinition: 'taskDefinition' in options ? options.taskDefinition : taskDefinition('nginx:1.27'),
    serviceDefinition: 'serviceDefinition' in options ? options.serviceDefinition : serviceDefinition(),
    taskDefinitionPath: 'ecs-task-def.json',
    serviceDefinitionPath: 'ecs-service-def.json',
    secrets: []
  }
}

/** A command context pointed at the emulator, on its virtual clock. */
export function context(
  emulator: Emulator,
  inputs: Partial<ActionInputs> = {},
  env: Record<string, string> = {}
) {
  const log = memoryLogger()
  const made: AwsClients[] = []
  const ctx: CommandContext = {
    inputs: { ...defaultInputs, ...inputs },
    env,
    awsClients: region => {
      const clients = createAwsClients({ region, endpoint: emulator.endpoint, maxAttempts: 4 })
      made.push(clients)
      return clients
    },
    github: {
      eventName: 'push',
      payload: {},
      repository: 'acme/web',
      sha: 'abc',
      runId: '100',
      runAttempt: '1',
      actor: 'octocat',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      pullRequest: undefined
    },
    log,
    clock: { now: () => emulator.clock.now(), sleep: ms => emulator.clock.advance(ms) },
    workDir: '/tmp',
    pollIntervalMs: undefined
  }
  return { ctx, log }
}

/** A steady service `web` in cluster `prod` on nginx:1.26 (revision 1), with the log cleared; returns its ARN. */
export function seedSteadyWeb(
  emulator: Emulator,
  extra: Record<string, unknown> = {},
  desiredCount = 2
): string {
  const td = emulator.seedTaskDefinition(taskDefinition('nginx:1.26'))
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: td,
    desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: network,
    ...extra
  })
  emulator.clearLog()
  return td
}

/**
 * A test file's hooks: fake AWS credentials in the environment, and for each test a fresh emulator on its
 * virtual clock with cluster `prod`, handed to `use` and closed after the test.
 */
export function emulatorForEachTest(use: (emulator: Emulator) => void): void {
  let emulator: Emulator | undefined
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'
    process.env.AWS_SECRET_ACCESS_KEY = 'secret'
  })
  beforeEach(async () => {
    emulator = await startEmulator()
    emulator.createCluster('prod')
    use(emulator)
  })
  afterEach(async () => {
    await emulator?.close()
  })
}
