// `command: rollback` of a rolling service, `command: register`, `desired-count` and `keep-revisions`, run
// through dist/index.js as the runner runs it, against the emulator at 60x real time.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DeregisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { clients } from '../emulator/helpers.js'
import { repoRoot, runAction } from '../helpers/run-action.js'
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
const network = {
  awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' }
}
const serviceDefinition = {
  launchType: 'FARGATE',
  desiredCount: 2,
  networkConfiguration: network,
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
}
const arn = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${revision}`

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  dir = await mkdtemp(join(tmpdir(), 'rollback-action-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 5m\n'
  )
  // The template needs IMAGE_TAG, which a rollback workflow does not set: a rollback must not render it.
  await writeFile(
    join(dir, 'td.json'),
    JSON.stringify(taskDefinition('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'))
  )
  await writeFile(join(dir, 'sd.json'), JSON.stringify(serviceDefinition))
})

afterEach(async () => {
  await emulator.close()
})

/** Revisions web:1..n (image v1..vn); the service runs web:`running`, steady. */
function seed(n: number, running: number): void {
  for (let i = 1; i <= n; i++) emulator.seedTaskDefinition(taskDefinition(`registry.example.com/web:v${i}`))
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: arn(running),
    ...serviceDefinition
  })
  emulator.clearLog()
}

const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction({
    inputs: { config: join(dir, 'ecspresso.yml'), ...inputs },
    env: {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      ECS_DEPLOY_ACTION_POLL_MS: '100',
      ...env
    }
  })

const writeOps = () => emulator.writes().map(w => w.operation)

describe('command: rollback (rolling)', () => {
  it('without a deployment in progress: UpdateService to the previous revision, then deregisters the one rolled back from', async () => {
    seed(3, 3)
    const result = await run({ command: 'rollback' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(result.outputs['task-definition-arn']).toBe(arn(2))
    expect(result.outputs['previous-task-definition-arn']).toBe(arn(3))
    expect(writeOps()).toEqual(['UpdateService', 'DeregisterTaskDefinition'])
    expect(emulator.calls('UpdateService')[0]!.params).toEqual({
      cluster: 'prod',
      service: 'web',
      taskDefinition: arn(2)
    })
    expect(emulator.calls('DeregisterTaskDefinition')[0]!.params).toEqual({ taskDefinition: arn(3) })
    expect(emulator.describeService('prod', 'web').taskDefinition).toBe(arn(2))
    expect(result.summary).toContain('rolled back to `web:2`')
    expect(result.summary).toContain('Deregistered')
  })

  it('deregister: false keeps the revision rolled back from; a deregistered previous revision is skipped', async () => {
    seed(3, 3)
    // web:2 is INACTIVE: the previous ACTIVE revision is web:1.
    const { ecs } = clients(emulator)
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }))
    ecs.destroy()
    emulator.clearLog()
    const result = await run({ command: 'rollback', deregister: 'false' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs['task-definition-arn']).toBe(arn(1))
    expect(writeOps()).toEqual(['UpdateService'])
  })

  it('to a revision given by number, and by family:revision', async () => {
    seed(4, 4)
    const byNumber = await run({ command: 'rollback', 'task-definition': '1', deregister: 'false' })
    expect(byNumber.exitCode, byNumber.stdout).toBe(0)
    expect(byNumber.outputs['task-definition-arn']).toBe(arn(1))
    emulator.clearLog()
    const byName = await run({ command: 'rollback', 'task-definition': 'web:3' })
    expect(byName.exitCode, byName.stdout).toBe(0)
    expect(byName.outputs['task-definition-arn']).toBe(arn(3))
    // Rolled back from web:1 (what it ran): that one is deregistered.
    expect(emulator.calls('DeregisterTaskDefinition')[0]!.params).toEqual({ taskDefinition: arn(1) })
  })

  it('with a deployment in progress: StopServiceDeployment ROLLBACK, followed to its end', async () => {
    seed(2, 1)
    // web:2's tasks cannot be placed: its deployment stays in progress.
    emulator.scenario.placementFailure({ taskDefinitionArn: 'web:2' })
    const { ecs } = clients(emulator)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: arn(2) }))
    ecs.destroy()
    emulator.clearLog()
    const result = await run({ command: 'rollback' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(writeOps()).toEqual(['StopServiceDeployment', 'DeregisterTaskDefinition'])
    expect(emulator.calls('StopServiceDeployment')[0]!.params).toMatchObject({ stopType: 'ROLLBACK' })
    expect(result.outputs['task-definition-arn']).toBe(arn(1))
    expect(emulator.calls('DeregisterTaskDefinition')[0]!.params).toEqual({ taskDefinition: arn(2) })
    expect(emulator.describeService('prod', 'web').taskDefinition).toBe(arn(1))
    expect(result.summary).toContain('StopServiceDeployment')
  })

  it('ECS refusing StopServiceDeployment (ConflictException): UpdateService to the previous revision instead', async () => {
    seed(2, 1)
    emulator.scenario.placementFailure({ taskDefinitionArn: 'web:2' })
    const { ecs } = clients(emulator)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: arn(2) }))
    ecs.destroy()
    emulator.faults.add({
      kind: 'error',
      operation: 'StopServiceDeployment',
      errorType: 'ConflictException',
      message: 'There is no previous successful service revision to roll back to.',
      status: 400
    })
    emulator.clearLog()
    const result = await run({ command: 'rollback' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(writeOps()).toEqual(['StopServiceDeployment', 'UpdateService', 'DeregisterTaskDefinition'])
    expect(emulator.describeService('prod', 'web').taskDefinition).toBe(arn(1))
  })

  it('a rollback that cannot finish times out, says so and deregisters nothing', async () => {
    seed(2, 2)
    // The revision rolled back to cannot be placed: the rollback never completes.
    emulator.scenario.placementFailure({ taskDefinitionArn: 'web:1' })
    const result = await run({ command: 'rollback', timeout: '2s' })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('timed-out')
    expect(result.errors.join('\n')).toContain('the rollback to web:1 timed out')
    expect(writeOps()).toEqual(['UpdateService'])
  })

  it('SIGINT while the rollback runs: cancelled, with the state, non-zero exit', async () => {
    seed(2, 2)
    emulator.scenario.placementFailure({ taskDefinitionArn: 'web:1' })
    const result = await runAction({
      inputs: { config: join(dir, 'ecspresso.yml'), command: 'rollback' },
      env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' },
      signal: { after: /Waiting for the rollback/, send: ['SIGINT'] }
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expect(result.msFromSignalToExit).toBeLessThan(2000)
    expect(result.summary).toContain('cancelled')
    expect(writeOps()).toEqual(['UpdateService'])
  })

  it('dry-run says what it would do and writes nothing', async () => {
    seed(3, 3)
    const result = await run({ command: 'rollback', 'dry-run': 'true' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('dry-run')
    expect(writeOps()).toEqual([])
    expect(result.summary).toContain('Rollback plan')
    expect(result.summary).toContain('`web:2`')
    expect(result.summary).toContain('would be deregistered')
  })

  it.each([
    [{ 'task-definition': './td.json' }, 'task-definition', 'revision number'],
    [{ 'task-definition': '9' }, 'web:9 does not exist', 'list-task-definitions'],
    [{ 'task-definition': '3' }, 'already runs web:3', 'older revision'],
    [{ wait: 'false' }, 'deregister', 'deregister: false'],
    [{ 'desired-count': 'two' }, 'desired-count', 'whole number']
  ])('bad input %j: one clear error, zero writes', async (inputs, what, how) => {
    seed(3, 3)
    const result = await run({ command: 'rollback', ...inputs })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors.join('\n')).toContain(what)
    expect(result.errors.join('\n')).toContain(how)
    expect(writeOps()).toEqual([])
  })

  it('no older ACTIVE revision: an error, zero writes', async () => {
    seed(1, 1)
    const result = await run({ command: 'rollback' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors.join('\n')).toContain('no ACTIVE revision of web is older than web:1')
    expect(writeOps()).toEqual([])
  })
})

describe('command: register', () => {
  it('registers the task definition only; the same definition again registers nothing', async () => {
    const first = await run({ command: 'register', 'image-tag': 'v7' })
    expect(first.exitCode, first.stdout).toBe(0)
    expect(first.outputs.status).toBe('registered')
    expect(first.outputs['task-definition-arn']).toBe(arn(1))
    expect(first.outputs['registered-task-definition-arn']).toBe(arn(1))
    expect(writeOps()).toEqual(['RegisterTaskDefinition'])
    // The service is neither read nor needed (it does not exist).
    expect(emulator.calls('DescribeServices')).toHaveLength(0)
    emulator.clearLog()
    const again = await run({ command: 'register', 'image-tag': 'v7' })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(again.outputs.status).toBe('registered')
    expect(again.outputs['task-definition-arn']).toBe(arn(1))
    expect(again.outputs['registered-task-definition-arn']).toBeUndefined()
    expect(writeOps()).toEqual([])
  })

  it('dry-run writes nothing; bad input writes nothing', async () => {
    const dry = await run({ command: 'register', 'image-tag': 'v7', 'dry-run': 'true' })
    expect(dry.exitCode, dry.stdout).toBe(0)
    expect(dry.outputs.status).toBe('dry-run')
    expect(dry.summary).toContain('would create `web:1`')
    const bad = await run({ command: 'register' })
    expect(bad.exitCode).not.toBe(0)
    expect(bad.errors.join('\n')).toContain('IMAGE_TAG')
    expect(writeOps()).toEqual([])
  })
})

describe('desired-count', () => {
  it('overrides the file and is clamped into the auto scaling range, with a warning', async () => {
    seed(1, 1)
    emulator.autoscaling.registerScalableTarget({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/prod/web',
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 1,
      MaxCapacity: 3
    })
    const result = await run({ 'image-tag': 'v2', 'desired-count': '5' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(emulator.calls('UpdateService')[0]!.params).toMatchObject({ desiredCount: 3 })
    expect(result.stdout).toMatch(
      /::warning::desired-count 5 is outside the auto scaling range \(min 1, max 3\): 3 is applied/
    )
  })

  it('with skip-task-definition it scales the service (ecspresso scale)', async () => {
    seed(1, 1)
    const result = await run({ 'skip-task-definition': 'true', 'desired-count': '4' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(writeOps()).toEqual(['UpdateService'])
    expect(emulator.calls('UpdateService')[0]!.params).toMatchObject({
      taskDefinition: arn(1),
      desiredCount: 4
    })
    expect(emulator.describeService('prod', 'web').desiredCount).toBe(4)
  })
})

describe('keep-revisions', () => {
  it('after a successful deploy deregisters ACTIVE revisions beyond the newest N, never the previous one', async () => {
    seed(4, 2)
    const result = await run({ 'image-tag': 'v5', 'keep-revisions': '2' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs['task-definition-arn']).toBe(arn(5))
    // Kept: web:5 and web:4 (newest two) and web:2 (the previous one).
    expect(emulator.calls('DeregisterTaskDefinition').map(c => c.params.taskDefinition)).toEqual([
      arn(3),
      arn(1)
    ])
    expect(result.summary).toContain('keep-revisions: 2')
  })

  it('the dry run lists what would go and writes nothing', async () => {
    seed(4, 2)
    const result = await run({ 'image-tag': 'v5', 'keep-revisions': '2', 'dry-run': 'true' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(writeOps()).toEqual([])
    expect(result.stdout).toContain(`keep-revisions: would deregister ${arn(3)}`)
    expect(result.stdout).toContain(`keep-revisions: would deregister ${arn(1)}`)
    expect(result.stdout).not.toContain(`would deregister ${arn(2)}`)
    expect(result.summary).toContain('would be deregistered')
  })

  it('a failure to deregister is a warning, not a failed deploy', async () => {
    seed(3, 3)
    emulator.faults.add({ kind: 'access-denied', operation: 'DeregisterTaskDefinition' })
    const result = await run({ 'image-tag': 'v4', 'keep-revisions': '1' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.stdout).toMatch(/::warning::keep-revisions: could not deregister .*web:2/)
    expect(emulator.describeService('prod', 'web').taskDefinition).toBe(arn(4))
  })

  it('keep-revisions: 0 is bad input, zero writes', async () => {
    seed(1, 1)
    const result = await run({ 'image-tag': 'v2', 'keep-revisions': '0' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors.join('\n')).toContain('keep-revisions')
    expect(writeOps()).toEqual([])
  })
})

describe("README's IAM policy for rollback", () => {
  it('lists every ECS action a rollback called, with and without a deployment in progress', async () => {
    seed(4, 3)
    expect((await run({ command: 'rollback' })).exitCode).toBe(0)
    // web:4's tasks cannot be placed: its deployment stays in progress.
    emulator.scenario.placementFailure({ taskDefinitionArn: 'web:4' })
    const { ecs } = clients(emulator)
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: arn(4) }))
    ecs.destroy()
    const second = await run({ command: 'rollback' })
    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.stdout).toContain('StopServiceDeployment (ROLLBACK)')
    // Every ECS call of both rollbacks (the test's own UpdateService is in the policy anyway).
    const called = emulator.requests.filter(r => r.service === 'ecs').map(r => `ecs:${r.operation}`)
    expect(called).toContain('ecs:StopServiceDeployment')
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### IAM for rollback, register and keep-revisions'))
    const policy = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!) as {
      Statement: { Action: string | string[] }[]
    }
    const allowed = new Set(
      policy.Statement.flatMap(st => (Array.isArray(st.Action) ? st.Action : [st.Action]))
    )
    expect([...new Set(called)].filter(action => !allowed.has(action))).toEqual([])
  })
})
