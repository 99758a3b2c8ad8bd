/* eslint-disable @typescript-eslint/no-explicit-any -- definitions are loose JSON in tests */
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { createAwsClients } from '../../src/aws/clients.js'
import type { CommandContext } from '../../src/commands/types.js'
import type { GithubContext } from '../../src/commands/types.js'
import { parseInputs } from '../../src/inputs.js'
import { memoryLogger } from '../../src/log.js'
import { loadProject, type Project } from '../../src/project.js'

export const fixtureConfig = fileURLToPath(new URL('./fixtures/app/ecspresso.yml', import.meta.url))

export const templateEnv = { IMAGE_TAG: 'v1', DATABASE_URL: 'postgres://app:hunter2@db.internal/app' }

/** The live task definition an earlier deploy registered: same content, written the way the API returns it. */
export function liveTaskDefinition(overrides: { image?: string; databaseUrl?: string } = {}): any {
  return {
    family: 'app',
    taskRoleArn: 'arn:aws:iam::123456789012:role/app-task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '1024',
    containerDefinitions: [
      {
        name: 'log-router',
        image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
        cpu: 0,
        essential: true,
        portMappings: [],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        firelensConfiguration: { type: 'fluentbit' }
      },
      {
        name: 'web',
        image: overrides.image ?? '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1',
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [
          { name: 'DATABASE_URL', value: overrides.databaseUrl ?? templateEnv.DATABASE_URL },
          { name: 'LOG_LEVEL', value: 'info' }
        ],
        mountPoints: [],
        volumesFrom: [],
        secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/api-key' }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-stream-prefix': 'web',
            'awslogs-group': '/ecs/app',
            'awslogs-region': 'us-east-1'
          },
          secretOptions: []
        }
      }
    ],
    tags: [
      { key: 'terraform-managed', value: 'yes' },
      { key: 'team', value: 'payments' }
    ]
  }
}

export interface Network {
  readonly subnets: readonly [string, string, string]
  readonly securityGroup: string
}

/** CreateService parameters of the live service (besides cluster and task definition). */
export const liveServiceParams = (network: Network): any => ({
  cluster: 'prod',
  serviceName: 'app',
  desiredCount: 3,
  launchType: 'FARGATE',
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: [network.subnets[0], network.subnets[1]],
      securityGroups: [network.securityGroup],
      assignPublicIp: 'DISABLED'
    }
  },
  deploymentConfiguration: {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    deploymentCircuitBreaker: { enable: false, rollback: false }
  },
  propagateTags: 'SERVICE',
  tags: [
    { key: 'team', value: 'payments' },
    { key: 'terraform-managed', value: 'yes' }
  ]
})

export async function loadFixtureProject(
  network: Network,
  env: Record<string, string> = {}
): Promise<Project> {
  const networkEnv = {
    SUBNET_A: network.subnets[0],
    SUBNET_B: network.subnets[1],
    SECURITY_GROUP: network.securityGroup
  }
  return loadProject({
    configPath: fixtureConfig,
    env: { ...templateEnv, ...networkEnv, ...env },
    log: memoryLogger()
  })
}

export function githubContext(overrides: Partial<GithubContext> = {}): GithubContext {
  return {
    eventName: 'pull_request',
    payload: {},
    repository: 'acme/shop',
    sha: '0123456789abcdef0123456789abcdef01234567',
    runId: '4242',
    runAttempt: '1',
    actor: 'octocat',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    pullRequest: 7,
    ...overrides
  }
}

export function testContext(options: {
  endpoint: string
  inputs?: Record<string, string>
  github?: GithubContext
}): CommandContext & { log: ReturnType<typeof memoryLogger> } {
  const inputs = parseInputs(name => (options.inputs ?? {})[name] ?? '')
  const sleeps: number[] = []
  return {
    inputs: { ...inputs, dryRun: true },
    env: templateEnv,
    awsClients: region => createAwsClients({ region, endpoint: options.endpoint, maxAttempts: 1 }),
    github: options.github ?? githubContext({ eventName: 'push', pullRequest: undefined }),
    log: memoryLogger(),
    clock: { now: () => 0, sleep: ms => Promise.resolve(void sleeps.push(ms)) },
    workDir: tmpdir(),
    pollIntervalMs: undefined
  }
}

/** Sets fake AWS credentials for SDK clients talking to a local server. */
export function fakeCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'testing'
  process.env.AWS_SECRET_ACCESS_KEY = 'testing'
  delete process.env.AWS_PROFILE
  delete process.env.AWS_SESSION_TOKEN
}
