// A deploy that would change nothing writes nothing, through dist/index.js: the rendered task definition
// equal to the live one (as the dry run's diff compares them) reuses the live revision, and a service that
// already matches its definition gets no UpdateService unless force-new-deployment asks for one.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web'
const taskDefinition = {
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '0.25 vCPU',
  memory: '512',
  containerDefinitions: [
    {
      name: 'app',
      image: 'registry.example.com/web:{{ must_env `IMAGE_TAG` }}',
      portMappings: [{ containerPort: 8080 }],
      environment: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' }
      ]
    }
  ],
  tags: [{ key: 'team', value: 'web' }]
}
const serviceDefinition = (desiredCount: number) => ({
  launchType: 'FARGATE',
  desiredCount,
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'] }
  },
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
})

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  const seeded = emulator.seedTaskDefinition({
    ...taskDefinition,
    containerDefinitions: [{ name: 'app', image: 'x:1' }]
  })
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: seeded,
    ...serviceDefinition(2)
  })
  dir = await mkdtemp(join(tmpdir(), 'no-op-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 5m\n'
  )
  await writeFile(join(dir, 'td.json'), JSON.stringify(taskDefinition))
  await writeFile(join(dir, 'sd.json'), JSON.stringify(serviceDefinition(2)))
})

afterEach(async () => {
  await emulator.close()
})

function run(inputs: Record<string, string> = {}) {
  return runAction({
    inputs: { config: join(dir, 'ecspresso.yml'), 'image-tag': 'v2', ...inputs },
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
  })
}

const writes = () =>
  emulator
    .writes()
    .filter(r => !r.fault)
    .map(r => r.operation)

/** Deploys v2 once (web:2), then clears the log: the next run starts from a service running this very config. */
async function deployedOnce(): Promise<void> {
  const first = await run()
  expect(first.exitCode, first.stdout).toBe(0)
  expect(first.outputs['has-changes']).toBe('true')
  expect(first.outputs['task-definition-arn']).toBe(`${ARN}:2`)
  expect(first.summary).not.toContain('Definitions unchanged')
  emulator.clearLog()
}

describe('a deploy that changes nothing', () => {
  it('after a dry run saying nothing changes, makes zero writes and says definitions unchanged', async () => {
    await deployedOnce()
    const plan = await run({ 'dry-run': 'true' })
    expect(plan.outputs['has-changes']).toBe('false')

    const again = await run()
    expect(again.exitCode, again.stdout).toBe(0)
    expect(emulator.writes()).toEqual([])
    expect(again.outputs).toMatchObject({
      status: 'succeeded',
      'has-changes': 'false',
      'task-definition-arn': `${ARN}:2`,
      'previous-task-definition-arn': `${ARN}:2`
    })
    expect(again.summary).toContain('Definitions unchanged')
  })

  it('a change to the service only: the revision is reused, one UpdateService, as the dry run says', async () => {
    await deployedOnce()
    await writeFile(join(dir, 'sd.json'), JSON.stringify(serviceDefinition(3)))
    const plan = await run({ 'dry-run': 'true' })
    expect(plan.outputs['has-changes']).toBe('true')
    expect(plan.outputs.diff).not.toContain('task-definition/web')

    const again = await run()
    expect(again.exitCode, again.stdout).toBe(0)
    expect(writes()).toEqual(['UpdateService'])
    expect(emulator.calls('UpdateService')[0]!.params).toMatchObject({
      taskDefinition: `${ARN}:2`,
      desiredCount: 3
    })
    expect(again.outputs['has-changes']).toBe('true')
    expect(again.summary).not.toContain('Definitions unchanged')
  })

  it('force-new-deployment: the revision is reused and one UpdateService starts new tasks', async () => {
    await deployedOnce()
    const again = await run({ 'force-new-deployment': 'true' })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(writes()).toEqual(['UpdateService'])
    expect(emulator.calls('UpdateService')[0]!.params).toMatchObject({
      taskDefinition: `${ARN}:2`,
      forceNewDeployment: true
    })
    expect(again.outputs['has-changes']).toBe('false')
  })

  it('a changed image is registered, as the dry run says', async () => {
    await deployedOnce()
    const plan = await run({ 'dry-run': 'true', 'image-tag': 'v3' })
    expect(plan.outputs['has-changes']).toBe('true')
    const again = await run({ 'image-tag': 'v3' })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService'])
    expect(again.outputs['task-definition-arn']).toBe(`${ARN}:3`)
  })
})
