// The bundled action deploying to the emulator, run exactly as the runner runs it. The emulator's clock runs 60x
// real time and the action polls every 100 ms (ECS_DEPLOY_ACTION_POLL_MS), so a rollout takes about a second.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { unreliableDeployFaults, type Emulator } from '../../test/emulator/index.js'
import { startFakeGithub } from '../../test/github/server.js'
import type { RunOptions } from '../helpers/run-action.js'
import { blackBoxProject, runAgainst, seedLiveWeb, startWatchedEmulator } from '../helpers/black-box.js'
import { circuitBreaker, webService, webTask } from '../helpers/fixtures.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const taskDefinition = (image: string) =>
  webTask(image, {
    environment: [{ name: 'DATABASE_PASSWORD_HINT', value: 'hunter2-{{ env `STAGE` `prod` }}' }]
  })
const serviceDefinition = webService(circuitBreaker)

beforeEach(async () => {
  emulator = await startWatchedEmulator()
  dir = await blackBoxProject({
    prefix: 'deploy-action-',
    config: 'timeout: 5m\n',
    taskDefinition: taskDefinition('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'),
    serviceDefinition,
    indent: 2
  })
})

afterEach(async () => {
  await emulator.close()
})

/** A live service running web:1 with image v1, steady. */
function seedLive(): string {
  return seedLiveWeb(
    emulator,
    JSON.parse(
      JSON.stringify(taskDefinition('registry.example.com/web:v1')).replace(
        '{{ env `STAGE` `prod` }}',
        'prod'
      )
    ),
    serviceDefinition
  )
}

function deploy(inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}) {
  return runAgainst(emulator, dir, inputs, options)
}

/** Write calls that were not refused by an injected fault. */
const writes = () =>
  emulator
    .writes()
    .filter(r => !r.fault)
    .map(r => r.operation)

async function registeredRevisions(): Promise<string[]> {
  const ecs = new ECSClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  return (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))).taskDefinitionArns ?? []
}

describe('deploy through dist/index.js', () => {
  it('creates a missing service and waits for it', async () => {
    const run = await deploy({ 'image-tag': 'v2' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs.status).toBe('succeeded')
    expect(writes()).toEqual(['RegisterTaskDefinition', 'CreateService'])
    expect(run.outputs['service-arn']).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/web')
    expect(run.outputs['task-definition-arn']).toBe(
      'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1'
    )
  })

  it('updates a live service: one registration, one UpdateService, outputs and summary', async () => {
    const previous = seedLive()
    const run = await deploy({ 'image-tag': 'v2' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService'])
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'previous-task-definition-arn': previous,
      'task-definition-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
      'console-url':
        'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/deployments?region=us-east-1'
    })
    expect(run.outputs['deployment-id']).toMatch(/^ecs-svc\/\d+$/)
    expect(run.summary).toContain('registry.example.com/web:v2')
    expect(run.stdout).toContain('has reached a steady state')
    // Environment values stay out of the summary.
    expect(run.summary).not.toContain('hunter2')
  })

  it('force-new-deployment with nothing changed still starts new tasks', async () => {
    seedLive()
    const run = await deploy({ 'skip-task-definition': 'true', 'force-new-deployment': 'true' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(writes()).toEqual(['UpdateService'])
    expect(emulator.calls('UpdateService')[0]!.params).toMatchObject({ forceNewDeployment: true })
  })

  it('explains a failed rollout rolled back by the circuit breaker, and fails the step', async () => {
    const previous = seedLive()
    emulator.scenario.failTasks(
      { image: 'registry.example.com/web:v2' },
      { kind: 'cannot-pull', message: 'CannotPullContainerError: registry.example.com/web:v2: not found' }
    )
    const run = await deploy({ 'image-tag': 'v2' })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.outputs.status).toBe('rolled-back')
    expect(run.outputs['task-definition-arn']).toBe(previous)
    expect(run.summary).toContain('CannotPullContainerError: registry.example.com/web:v2: not found')
    expect(run.errors).toHaveLength(1)
  })

  it('says why tasks crashed: stopped reason, exit code and container reason', async () => {
    seedLive()
    emulator.scenario.failTasks(
      { image: 'registry.example.com/web:v2' },
      {
        kind: 'exit',
        afterSeconds: 20,
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage'
      }
    )
    const run = await deploy({ 'image-tag': 'v2', timeout: '20s' })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(['rolled-back', 'failed', 'timed-out']).toContain(run.outputs.status)
    expect(run.summary).toContain('OutOfMemoryError: Container killed due to memory usage')
    expect(run.summary).toContain('137')
    expect(run.stdout).toContain('OutOfMemoryError')
  })

  it('rolls back on timeout with rollback-events DEPLOYMENT_FAILURE', async () => {
    const previous = seedLive()
    emulator.scenario.placementFailure({ image: 'registry.example.com/web:v2' })
    // 3 real seconds are 3 emulated minutes.
    const run = await deploy({ 'image-tag': 'v2', timeout: '3s', 'rollback-events': 'DEPLOYMENT_FAILURE' })
    expect(run.exitCode).not.toBe(0)
    expect(run.outputs.status).toBe('rolled-back')
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService', 'UpdateService'])
    expect((emulator.describeService('prod', 'web') as { taskDefinition: string }).taskDefinition).toBe(
      previous
    )
    expect(run.summary).toMatch(/unable to place/i)
  })

  it('registers once and updates once when every call is throttled or fails with 5xx at first', async () => {
    seedLive()
    for (const rule of unreliableDeployFaults()) emulator.faults.add(rule)
    const run = await deploy({ 'image-tag': 'v2' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(await registeredRevisions()).toHaveLength(2) // the seeded web:1 and this run's web:2
    expect(writes().filter(op => op === 'UpdateService')).toHaveLength(1)
    expect(run.outputs['task-definition-arn']).toBe(
      'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2'
    )
  })
})

describe('bad input makes no write call', () => {
  it.each([
    ['a missing must_env variable', {}],
    ['an images line naming no container', { 'image-tag': 'v2', images: 'api=x:1' }],
    ['an invalid rollback event', { 'image-tag': 'v2', 'rollback-events': 'DEPLOYMENT_FAILED' }]
  ])('%s', async (_, inputs) => {
    seedLive()
    emulator.clearLog()
    const run = await deploy(inputs)
    expect(run.exitCode).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(emulator.writes()).toEqual([])
  })

  it('a definition typo found after describing the live service is still caught before any write', async () => {
    seedLive()
    await writeFile(join(dir, 'sd.json'), JSON.stringify({ ...serviceDefinition, desiredCont: 3 }))
    emulator.clearLog()
    const run = await deploy({ 'image-tag': 'v2' })
    expect(run.errors[0]).toContain("did you mean 'desiredCount'")
    expect(emulator.writes()).toEqual([])
  })
})

describe('dry run through dist/index.js on a pull request', () => {
  it('posts one sticky comment, updates it on the next push, and writes nothing to AWS', async () => {
    seedLive()
    const github = await startFakeGithub()
    try {
      const event = (sha: string) => ({
        name: 'pull_request',
        payload: { pull_request: { number: 7, head: { sha } }, repository: { full_name: 'octo-org/web' } }
      })
      const options = (sha: string) => ({
        event: event(sha),
        env: { GITHUB_API_URL: github.url, STAGE: 'staging' }
      })
      const first = await deploy(
        { 'image-tag': 'v2', 'dry-run': 'true', 'github-token': 'ghs_test' },
        options('a'.repeat(40))
      )
      expect(first.exitCode, first.stdout).toBe(0)
      expect(first.outputs.status).toBe('dry-run')
      expect(first.outputs['has-changes']).toBe('true')
      expect(first.outputs.diff).toContain('registry.example.com/web:v2')
      expect(first.outputs.diff).toContain('(redacted, changed)')
      expect(first.outputs.diff).not.toContain('hunter2')
      const second = await deploy(
        { 'image-tag': 'v3', 'dry-run': 'true', 'github-token': 'ghs_test' },
        options('b'.repeat(40))
      )
      expect(second.exitCode, second.stdout).toBe(0)
      const comments = github.comments('octo-org/web', 7)
      expect(comments).toHaveLength(1)
      expect(comments[0]!.body).toContain('registry.example.com/web:v3')
      expect(comments[0]!.body).not.toContain('hunter2')
      expect(emulator.writes()).toEqual([])
    } finally {
      await github.close()
    }
  })
})
