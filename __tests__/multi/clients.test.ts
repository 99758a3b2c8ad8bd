// The step's shared clients against the emulator: DescribeServices batched per cluster (≤ 10 a call, each
// caller its own services and failures), the rate budget keeping a burst under ECS's quota that the emulator
// enforces, and the gate holding a service's first write.
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { createAwsClients } from '../../src/aws/clients.js'
import { RateBudget, wallClock } from '../../src/aws/rate-budget.js'
import { gatedClients, sharedClients } from '../../src/multi/clients.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
beforeEach(async () => {
  emulator = await startEmulator({ rateLimits: true })
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'
  process.env.AWS_SECRET_ACCESS_KEY = 'secret-for-tests'
})
afterEach(async () => {
  await emulator.close()
})

const base = (maxAttempts = 1) =>
  createAwsClients({ region: 'us-east-1', endpoint: emulator.endpoint, maxAttempts })

function seed(cluster: string, count: number): string[] {
  emulator.createCluster(cluster)
  const arn = emulator.seedTaskDefinition({
    family: 'web',
    containerDefinitions: [{ name: 'app', image: 'nginx' }]
  })
  const names = Array.from({ length: count }, (_, i) => `svc-${i}`)
  for (const name of names) emulator.seedService({ cluster, serviceName: name, taskDefinition: arn })
  return names
}

describe('DescribeServices batching', () => {
  it('answers 25 concurrent one-service calls on a cluster with 3 calls, each caller its own service', async () => {
    const names = seed('prod', 24)
    seed('staging', 2)
    emulator.clearLog()
    const ecs = await sharedClients(base(), new RateBudget(wallClock)).ecs()
    const ask = (cluster: string, service: string) =>
      ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))
    const [prod, missing, staging] = await Promise.all([
      Promise.all(names.map(name => ask('prod', name))),
      ask('prod', 'gone'),
      ask('staging', 'svc-1')
    ])
    prod.forEach((out, i) => {
      expect(out.services?.map(s => s.serviceName)).toEqual([names[i]])
      expect(out.failures).toEqual([])
    })
    // A service that is not there: its caller gets ECS's failure, as from a call of its own.
    expect(missing.services).toEqual([])
    expect(missing.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/gone', reason: 'MISSING' }
    ])
    expect(staging.services?.map(s => s.serviceName)).toEqual(['svc-1'])
    const calls = emulator.calls('DescribeServices')
    const byCluster = (c: string) => calls.filter(r => (r.params as { cluster: string }).cluster === c)
    expect(
      byCluster('prod')
        .map(r => (r.params as { services: string[] }).services.length)
        .sort()
    ).toEqual([10, 10, 5].sort())
    expect(byCluster('staging')).toHaveLength(1)
  })
})

describe('the rate budget', () => {
  it("keeps 100 DescribeClusters calls at once under ECS's quota (a burst of 50), which the emulator enforces", async () => {
    seed('prod', 1)
    const fire = async (ecs: ECSClient) => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 100 }, () => ecs.send(new DescribeClustersCommand({ clusters: ['prod'] })))
      )
      return outcomes.filter(o => o.status === 'rejected').map(o => (o.reason as Error).name)
    }
    // Without it: ECS's burst of 50, then ThrottlingException as ECS words it.
    const refused = await fire(await base().ecs())
    expect(refused.length).toBeGreaterThanOrEqual(20)
    expect(new Set(refused)).toEqual(new Set(['ThrottlingException']))
    expect(emulator.throttled()[0]).toMatchObject({
      operation: 'DescribeClusters',
      error: 'ThrottlingException'
    })

    // With it (a fresh emulator, a full quota): every call goes through, none is refused.
    await emulator.close()
    emulator = await startEmulator({ rateLimits: true })
    seed('prod', 1)
    const budget = new RateBudget(wallClock)
    expect(await fire(await sharedClients(base(), budget).ecs())).toEqual([])
    expect(emulator.throttled()).toEqual([])
    expect(budget.waits()['ecs:DescribeClusters']).toBeGreaterThan(0)
  }, 30_000)
})

describe('the gate', () => {
  it("holds a service's first write until the gate lets it through; reads pass at once", async () => {
    const names = seed('prod', 1)
    let open!: () => void
    const opened = new Promise<void>(resolve => (open = resolve))
    const ecs = await gatedClients(sharedClients(base(), new RateBudget(wallClock)), () => opened).ecs()
    emulator.clearLog()
    await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: names }))
    const { UpdateServiceCommand } = await import('@aws-sdk/client-ecs')
    const update = ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: names[0]!, desiredCount: 2 })
    )
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(emulator.writes()).toEqual([])
    open()
    await update
    expect(emulator.writes().map(w => w.operation)).toEqual(['UpdateService'])
  })
})
