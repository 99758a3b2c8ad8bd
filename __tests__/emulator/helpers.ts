import { ECSClient, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import { CodeDeployClient } from '@aws-sdk/client-codedeploy'
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import { afterEach, beforeEach } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { network } from '../helpers/fixtures.js'

export { network }

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }

export function clients(emulator: Emulator, maxAttempts = 3) {
  const config = { endpoint: emulator.endpoint, region: emulator.region, credentials, maxAttempts }
  return {
    ecs: new ECSClient(config),
    codedeploy: new CodeDeployClient(config),
    autoscaling: new ApplicationAutoScalingClient(config)
  }
}

export const webTaskDefinition = (image = 'nginx:1.27'): RegisterTaskDefinitionCommandInput => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 80 }] }]
})

/**
 * A test file's hooks: for each test a fresh emulator on its virtual clock with cluster `prod` and an ECS client
 * for it (`maxAttempts` as `clients` takes it), handed to `use`; both closed after the test.
 */
export function emulatorForEachTest(
  use: (world: { emulator: Emulator; ecs: ECSClient }) => void,
  maxAttempts?: number
): void {
  let world: { emulator: Emulator; ecs: ECSClient } | undefined
  beforeEach(async () => {
    const emulator = await startEmulator()
    world = { emulator, ecs: clients(emulator, maxAttempts).ecs }
    emulator.createCluster('prod')
    use(world)
  })
  afterEach(async () => {
    world?.ecs.destroy()
    await world?.emulator.close()
  })
}

/** Seeds a steady service `web` in `prod`: `desiredCount` Fargate tasks of `taskDefinition` in `network`. */
export function seedWebService(
  emulator: Emulator,
  taskDefinition: string,
  desiredCount: number,
  extra: Record<string, unknown> = {}
): string {
  return emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition,
    desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: network,
    ...extra
  })
}
