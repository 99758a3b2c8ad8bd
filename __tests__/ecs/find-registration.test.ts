// After an ambiguous RegisterTaskDefinition failure: finding this run's revision however many others were
// registered since, and stopping at the revisions that predate the attempt.
import { ECSClient } from '@aws-sdk/client-ecs'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { DEPLOY_ID_TAG } from '../../src/contract.js'
import { findRegistration } from '../../src/ecs/task-definition.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { webTaskDefinition } from '../emulator/helpers.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let ecs: ECSClient

beforeEach(async () => {
  emulator = await startEmulator()
  ecs = new ECSClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1
  })
})

afterEach(async () => {
  ecs.destroy()
  await emulator.close()
})

const register = (deployId: string, family = 'web') =>
  emulator.seedTaskDefinition({
    ...webTaskDefinition(),
    family,
    tags: [{ key: DEPLOY_ID_TAG, value: deployId }]
  })

const described = () => emulator.calls('DescribeTaskDefinition').map(r => r.params.taskDefinition)

describe('findRegistration', () => {
  it('pages back through 150 revisions registered after this run’s own', async () => {
    register('old')
    const since = emulator.clock.now()
    const ours = register('ours')
    for (let i = 0; i < 150; i++) register(`other-${i}`)
    register('other-family', 'web-worker')
    const found = await findRegistration(ecs, 'web', 'ours', { aboveRevision: 1, since })
    expect(found?.taskDefinitionArn).toBe(ours)
    expect(emulator.calls('ListTaskDefinitions').length).toBeGreaterThanOrEqual(2)
  })

  it('stops at the revision the service ran before the attempt', async () => {
    for (let i = 0; i < 30; i++) register(`old-${i}`)
    const since = emulator.clock.now()
    for (let i = 0; i < 3; i++) register(`other-${i}`)
    expect(await findRegistration(ecs, 'web', 'ours', { aboveRevision: 30, since })).toBeUndefined()
    expect(described()).toEqual(
      [33, 32, 31].map(n => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`)
    )
  })

  it('without a live revision, stops at the first revision older than the attempt by more than clock skew', async () => {
    for (let i = 0; i < 30; i++) register(`old-${i}`)
    await emulator.clock.advance(60 * 60_000)
    const since = emulator.clock.now()
    for (let i = 0; i < 2; i++) register(`other-${i}`)
    expect(await findRegistration(ecs, 'web', 'ours', { aboveRevision: undefined, since })).toBeUndefined()
    expect(described()).toHaveLength(3)
  })

  it('a clock a few minutes fast still finds the revision', async () => {
    const ours = register('ours')
    const fast = emulator.clock.now() + 4 * 60_000
    const found = await findRegistration(ecs, 'web', 'ours', { aboveRevision: undefined, since: fast })
    expect(found?.taskDefinitionArn).toBe(ours)
  })
})
