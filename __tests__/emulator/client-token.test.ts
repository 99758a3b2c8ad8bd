// CreateService client tokens, as ECS honours them: the same token and the same request return the service the
// first call created (a retry after a lost reply); another request with that token is refused.
import {
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type CreateServiceCommandInput,
  type ECSClient
} from '@aws-sdk/client-ecs'
import { beforeEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { emulatorForEachTest, network, webTaskDefinition } from './helpers.js'

let emulator: Emulator
let ecs: ECSClient

emulatorForEachTest(world => ({ emulator, ecs } = world), 1)

beforeEach(async () => {
  emulator.createCluster('staging')
  await ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition()))
})

const request = (extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput => ({
  cluster: 'prod',
  serviceName: 'web',
  taskDefinition: 'web:1',
  desiredCount: 2,
  launchType: 'FARGATE',
  networkConfiguration: network,
  clientToken: 'token-1',
  ...extra
})

const create = (input: CreateServiceCommandInput) => ecs.send(new CreateServiceCommand(input))

describe('CreateService client token', () => {
  it('the same token and request return the service already created, with no second deployment', async () => {
    const first = await create(request())
    await emulator.clock.advance(5000)
    const again = await create(request())
    expect(again.service?.serviceArn).toBe(first.service?.serviceArn)
    expect(again.service?.createdAt).toEqual(first.service?.createdAt)
    expect(again.service?.deployments?.map(d => d.id)).toEqual(first.service?.deployments?.map(d => d.id))
  })

  it('key order does not make a request another one', async () => {
    await create(request())
    const { clientToken, ...rest } = request()
    await expect(create({ clientToken, ...rest })).resolves.toBeDefined()
  })

  it('the same token with another request is refused', async () => {
    await create(request())
    await expect(create(request({ desiredCount: 3 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Creation of service was not idempotent.'
    })
    await expect(create(request({ serviceName: 'api' }))).rejects.toMatchObject({
      name: 'InvalidParameterException'
    })
  })

  it('another token, or none, for an existing service is refused', async () => {
    await create(request())
    for (const clientToken of ['token-2', undefined])
      await expect(create(request({ clientToken }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Creation of service was not idempotent.'
      })
  })

  it('a token is scoped to its cluster', async () => {
    await create(request())
    const other = await create(request({ cluster: 'staging' }))
    expect(other.service?.serviceArn).toBe('arn:aws:ecs:us-east-1:123456789012:service/staging/web')
  })

  it('refuses a token longer than 36 characters or outside ASCII 33-126', async () => {
    for (const clientToken of ['x'.repeat(37), 'with space'])
      await expect(create(request({ clientToken }))).rejects.toMatchObject({
        name: 'InvalidParameterException'
      })
    expect(() => emulator.describeService('prod', 'web')).toThrow('Service not found.')
  })
})
