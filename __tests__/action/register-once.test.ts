// Exactly one write of each kind through dist/index.js when replies are lost while others write: a
// registration found among revisions others registered meanwhile, and CreateService retried with its client
// token. The emulator runs at 60x real time in this process, so the test can register revisions mid-run.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { DEPLOY_ID_TAG } from '../../src/contract.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const taskDefinition = (image: string) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }]
})
const serviceDefinition = {
  launchType: 'FARGATE',
  desiredCount: 2,
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' }
  }
}

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  dir = await mkdtemp(join(tmpdir(), 'register-once-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 5m\n'
  )
  await writeFile(join(dir, 'td.json'), JSON.stringify(taskDefinition('registry.example.com/web:v2')))
  await writeFile(join(dir, 'sd.json'), JSON.stringify(serviceDefinition))
})

afterEach(async () => {
  await emulator.close()
})

function seedLive(): string {
  const previous = emulator.seedTaskDefinition(taskDefinition('registry.example.com/web:v1'))
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: previous,
    ...serviceDefinition
  })
  return previous
}

function deploy() {
  return runAction({
    inputs: { config: join(dir, 'ecspresso.yml') },
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
  })
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
      ...taskDefinition(`registry.example.com/web:other-${i}`),
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
