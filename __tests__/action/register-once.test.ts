// Exactly one write of each kind through dist/index.js when replies are lost while others write: a
// registration found among revisions others registered meanwhile, and CreateService retried with its client
// token. The emulator runs at 60x real time in this process, so the test can register revisions mid-run.
import { DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { DEPLOY_ID_TAG } from '../../src/contract.js'
import type { Emulator } from '../../test/emulator/index.js'
import { blackBoxProject, runAgainst, seedLiveWeb, startWatchedEmulator } from '../helpers/black-box.js'
import { webService, webTask } from '../helpers/fixtures.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const serviceDefinition = webService()

beforeEach(async () => {
  emulator = await startWatchedEmulator()
  dir = await blackBoxProject({
    prefix: 'register-once-',
    config: 'timeout: 5m\n',
    taskDefinition: webTask('registry.example.com/web:v2'),
    serviceDefinition
  })
})

afterEach(async () => {
  await emulator.close()
})

function seedLive(): string {
  return seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), serviceDefinition)
}

function deploy() {
  return runAgainst(emulator, dir, {})
}

/** Once the action's registration has been answered with an error, another deploy registers `count` revisions. */
async function othersRegisterAfterTheFault(count: number): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!emulator.calls('RegisterTaskDefinition').some(r => r.fault)) {
    if (Date.now() > deadline) throw new Error('the action never sent RegisterTaskDefinition')
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  for (let i = 0; i < count; i++)
    emulator.seedTaskDefinition({
      ...webTask(`registry.example.com/web:other-${i}`),
      tags: [{ key: DEPLOY_ID_TAG, value: `other-run-${i}` }]
    })
}

/** Revisions of web that carry a deploy id of this run (GITHUB_RUN_ID 4242, attempt 1). */
async function revisionsOfThisRun(): Promise<string[]> {
  const ecs = new ECSClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))
  const ours: string[] = []
  for (const arn of listed.taskDefinitionArns ?? []) {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }))
    if (out.tags?.some(t => t.key === DEPLOY_ID_TAG && t.value?.startsWith('4242-1-'))) ours.push(arn)
  }
  ecs.destroy()
  return ours
}

describe('a lost reply while others write', () => {
  it('a registration that took effect is found behind six newer revisions, not registered again', async () => {
    seedLive()
    emulator.faults.add({
      operation: 'RegisterTaskDefinition',
      kind: 'server-error',
      count: 1,
      when: 'after'
    })
    // The check waits long enough for the other deploy to register its six revisions first.
    emulator.faults.add({ operation: 'ListTaskDefinitions', kind: 'delay', delayMs: 600, count: 1 })
    const [run] = await Promise.all([deploy(), othersRegisterAfterTheFault(6)])
    expect(run.exitCode, run.stdout).toBe(0)
    expect(emulator.calls('RegisterTaskDefinition')).toHaveLength(1)
    const ours = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2'
    expect(await revisionsOfThisRun()).toEqual([ours])
    expect(run.outputs['task-definition-arn']).toBe(ours)
    expect(emulator.calls('UpdateService').map(r => r.params.taskDefinition)).toEqual([ours])
  })

  it('a registration that did not take effect is sent again, once, after the six others', async () => {
    seedLive()
    emulator.faults.add({ operation: 'RegisterTaskDefinition', kind: 'server-error', count: 1 })
    emulator.faults.add({ operation: 'ListTaskDefinitions', kind: 'delay', delayMs: 600, count: 1 })
    const [run] = await Promise.all([deploy(), othersRegisterAfterTheFault(6)])
    expect(run.exitCode, run.stdout).toBe(0)
    const ours = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8'
    expect(await revisionsOfThisRun()).toEqual([ours])
    expect(run.outputs['task-definition-arn']).toBe(ours)
  })

  it('CreateService whose reply is lost is retried with the same client token and finds the service', async () => {
    emulator.faults.add({ operation: 'CreateService', kind: 'server-error', count: 1, when: 'after' })
    const run = await deploy()
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs.status).toBe('succeeded')
    const creates = emulator.calls('CreateService')
    expect(creates).toHaveLength(2)
    expect(creates[0]!.fault).toBe('server-error')
    expect(creates[1]!.params.clientToken).toBe(creates[0]!.params.clientToken)
    expect(creates[1]!.error).toBeUndefined()
    const service = emulator.describeService('prod', 'web') as { deployments: unknown[] }
    expect(service.deployments).toHaveLength(1)
    expect(run.outputs['service-arn']).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/web')
  })
})
