// Every way a rolling deploy can end, through the bundled dist/index.js on the emulator (60x real time, polls
// every 100 ms): superseded by another deploy, not waited for, rolled back by the circuit breaker, a partial
// failure after the update, cancelled by the runner's signals, and a read denied mid-watch.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import type { ActionRun, RunOptions } from '../helpers/run-action.js'
import { blackBoxProject, runAgainst, seedLiveWeb, startWatchedEmulator } from '../helpers/black-box.js'
import { circuitBreaker, webService, webTask } from '../helpers/fixtures.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string
let previous: string

const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const serviceDefinition = webService(circuitBreaker)

beforeEach(async () => {
  emulator = await startWatchedEmulator()
  dir = await blackBoxProject({
    prefix: 'outcome-action-',
    config: 'timeout: 5m\n',
    taskDefinition: webTask('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'),
    serviceDefinition
  })
  previous = seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), serviceDefinition)
  emulator.clearLog()
})

afterEach(async () => {
  await emulator.close()
})

function deploy(
  inputs: Record<string, string>,
  options: Omit<RunOptions, 'inputs'> = {}
): Promise<ActionRun> {
  return runAgainst(emulator, dir, inputs, options)
}

/** Successful writes, in order, with the revision each UpdateService named. */
const writes = () =>
  emulator
    .writes()
    .filter(r => r.fault === undefined && r.error === undefined)
    .map(r =>
      r.operation === 'UpdateService'
        ? `UpdateService ${String(r.params.taskDefinition).replace(/.*\//, '')}`
        : r.operation
    )
const live = () =>
  emulator.describeService('prod', 'web') as {
    taskDefinition: string
    deployments: { id: string; status: string; taskDefinition: string; rolloutState?: string }[]
  }

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1200 && !condition(); i++) await new Promise(resolve => setTimeout(resolve, 25))
  if (!condition()) throw new Error('condition not met within 30 s')
}

describe('item 1: a deploy superseded by another', () => {
  it.each([[{}], [{ 'rollback-events': 'DEPLOYMENT_FAILURE' }]])(
    'A reports superseded and writes nothing more; B succeeds (%j)',
    async extra => {
      // A's rollout cannot complete before B's update lands, however slowly B starts; then rollouts speed up.
      emulator.scenario.taskStableSeconds(6000)
      const a = deploy({ 'image-tag': 'v2', ...extra })
      await until(() =>
        emulator.calls('UpdateService').some(c => c.error === undefined && c.fault === undefined)
      )
      const aUpdatedAt = emulator.clock.now()
      const b = deploy({ 'image-tag': 'v3', ...extra }, { env: { GITHUB_RUN_ID: '4343' } })
      await until(
        () =>
          emulator.calls('UpdateService').filter(c => c.error === undefined && c.fault === undefined)
            .length === 2
      )
      emulator.scenario.taskStableSeconds(30)
      const [ra, rb] = await Promise.all([a, b])

      expect(ra.exitCode, ra.stdout).not.toBe(0)
      expect(ra.outputs.status).toBe('superseded')
      expect(ra.outputs['task-definition-arn']).toBe(arn(3))
      expect(ra.outputs['registered-task-definition-arn']).toBe(arn(2))
      expect(ra.errors[0]).toMatch(/^superseded: deployment ecs-svc\/\d+ of web:3 took over from ours/)
      expect(ra.summary).toContain('### Superseded')
      expect(ra.summary).toContain('started by ecs-deploy-action in workflow run 4343, attempt 1')
      expect(ra.summary).not.toContain('circuit breaker')
      // A wrote only its registration and its update; no rollback after B took over.
      const updates = emulator
        .calls('UpdateService')
        .filter(c => c.error === undefined && c.fault === undefined)
      expect(updates.map(u => String(u.params.taskDefinition).replace(/.*\//, ''))).toEqual([
        'web:2',
        'web:3'
      ])
      expect(updates[1]!.time).toBeGreaterThan(aUpdatedAt)
      expect(writes()).toEqual([
        'RegisterTaskDefinition',
        'UpdateService web:2',
        'RegisterTaskDefinition',
        'UpdateService web:3'
      ])

      expect(rb.exitCode, rb.stdout).toBe(0)
      expect(rb.outputs.status).toBe('succeeded')
      expect(live().taskDefinition).toBe(arn(3))
      expect(live().deployments.map(d => d.rolloutState)).toEqual(['COMPLETED'])
    },
    40_000
  )
})

describe('item 2: wait false', () => {
  it('reports started, with the deployment id, and writes once', async () => {
    const run = await deploy({ 'image-tag': 'v2', wait: 'false' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs.status).toBe('started')
    expect(run.outputs['deployment-id']).toMatch(/^ecs-svc\/\d+$/)
    expect(run.outputs['task-definition-arn']).toBe(arn(2))
    expect(run.summary).toMatch(/this step did not wait for it/)
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2'])
  })
})

describe('item 5: rollback-events that do nothing on this controller', () => {
  it('DEPLOYMENT_STOP_ON_ALARM on a rolling service: a warning saying what to set instead', async () => {
    const run = await deploy({
      'image-tag': 'v2',
      wait: 'false',
      'rollback-events': 'DEPLOYMENT_STOP_ON_ALARM'
    })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.stdout).toContain(
      '::warning::rollback-events: DEPLOYMENT_STOP_ON_ALARM does nothing for a rolling (ECS controller) deployment; a rolling deployment stops on alarms through the service definition: set deploymentConfiguration.alarms with rollback: true'
    )
  })
})

describe('item 3: a circuit breaker rollback is followed to its end, with or without rollback-events', () => {
  it.each([[{}], [{ 'rollback-events': 'DEPLOYMENT_FAILURE' }]])(
    'rolled-back once it completed (%j)',
    async extra => {
      emulator.scenario.failTasks({ image: 'registry.example.com/web:v2' }, { kind: 'cannot-pull' })
      const run = await deploy({ 'image-tag': 'v2', ...extra })
      expect(run.exitCode, run.stdout).not.toBe(0)
      expect(run.outputs.status).toBe('rolled-back')
      // When the step ends, the rollback deployment has completed: the only deployment left, on web:1.
      expect(live().deployments.map(d => [d.taskDefinition, d.rolloutState])).toEqual([
        [previous, 'COMPLETED']
      ])
      expect(run.outputs['task-definition-arn']).toBe(previous)
      expect(run.outputs['registered-task-definition-arn']).toBe(arn(2))
      expect(run.stdout).toContain('Waiting for the circuit breaker rollback')
      expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2'])
    }
  )

  it.each([[{}], [{ 'rollback-events': 'DEPLOYMENT_FAILURE' }]])(
    'rolling-back when the rollback is still going at the timeout (%j)',
    async extra => {
      emulator.scenario.failTasks({ image: 'registry.example.com/web:v2' }, { kind: 'cannot-pull' })
      // The rollback's tasks must run 10 emulated minutes before it completes; the timeout is 3.
      emulator.scenario.taskStableSeconds(600)
      const run = await deploy({ 'image-tag': 'v2', timeout: '3s', ...extra })
      expect(run.exitCode, run.stdout).not.toBe(0)
      expect(run.outputs.status).toBe('rolling-back')
      expect(run.errors[0]).toMatch(/still rolling back to web:1/)
      expect(run.summary).toMatch(/Rollback started by the ECS deployment circuit breaker/)
      expect(live().deployments[0]).toMatchObject({ taskDefinition: previous, rolloutState: 'IN_PROGRESS' })
      expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2'])
    },
    30_000
  )
})

describe('item 4: a failure after the first write', () => {
  beforeEach(async () => {
    await writeFile(
      join(dir, 'sd.json'),
      JSON.stringify({ ...serviceDefinition, tags: [{ key: 'team', value: 'web' }] })
    )
    emulator.faults.add({ kind: 'access-denied', operation: 'TagResource' })
  })

  it('TagResource denied after UpdateService took: the rollout is watched and reported, the tags a warning', async () => {
    const run = await deploy({ 'image-tag': 'v2' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs.status).toBe('succeeded')
    expect(run.outputs['task-definition-arn']).toBe(arn(2))
    expect(live().taskDefinition).toBe(arn(2))
    expect(run.stdout).toMatch(
      /::warning::TagResource failed after the deployment started: AccessDeniedException/
    )
    expect(run.summary).toMatch(/⚠️ TagResource failed after the deployment started/)
    expect(run.summary).toContain('web:2 runs (deployment ecs-svc/')
  })

  it('TagResource denied and the rollout fails: the requested rollback still happens', async () => {
    emulator.scenario.placementFailure({ image: 'registry.example.com/web:v2' })
    const run = await deploy({ 'image-tag': 'v2', timeout: '3s', 'rollback-events': 'DEPLOYMENT_FAILURE' })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.outputs.status).toBe('rolled-back')
    expect(run.outputs['task-definition-arn']).toBe(previous)
    expect(run.outputs['registered-task-definition-arn']).toBe(arn(2))
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2', 'UpdateService web:1'])
    expect(run.summary).toMatch(/TagResource failed after the deployment started/)
  })
})

describe('item 5: cancelled by the runner', () => {
  beforeEach(() => {
    // A rollout that would take 10 emulated minutes: the signal comes while the step waits.
    emulator.scenario.taskStableSeconds(600)
  })
  const waiting = /running 2, pending 0, desired 2/

  it('SIGINT with DEPLOYMENT_STOP_ON_REQUEST: rollback sent, cancelled, outputs and summary, non-zero exit', async () => {
    const run = await deploy(
      { 'image-tag': 'v2', 'rollback-events': 'DEPLOYMENT_STOP_ON_REQUEST' },
      { signal: { after: / new PRIMARY: running 2/, send: ['SIGINT'] } }
    )
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.outputs.status).toBe('cancelled')
    expect(run.outputs['registered-task-definition-arn']).toBe(arn(2))
    expect(run.outputs['task-definition-arn']).toBe(previous)
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2', 'UpdateService web:1'])
    expect(run.errors[0]).toMatch(
      /^cancelled by SIGINT: rolling back to web:1 \(deployment ecs-svc\/\d+ started by this step/
    )
    expect(run.summary).toMatch(/## 🛑 Deploy web: cancelled/)
    expect(run.summary).toMatch(
      /\| Now \| rolling back to web:1 \(deployment ecs-svc\/\d+ started by this step/
    )
    expect(run.stdout).toContain('::endgroup::')
    console.log(`SIGINT to exit: ${run.msFromSignalToExit} ms`)
  })

  it('SIGTERM without DEPLOYMENT_STOP_ON_REQUEST: no write, the summary says the deployment goes on', async () => {
    const run = await deploy({ 'image-tag': 'v2' }, { signal: { after: waiting, send: ['SIGTERM'] } })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.outputs.status).toBe('cancelled')
    expect(run.outputs['task-definition-arn']).toBe(arn(2))
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2'])
    expect(run.summary).toMatch(
      /cancelled by SIGTERM: deployment ecs-svc\/\d+ of web:2 is still in progress in ECS/
    )
  })

  it('SIGINT then SIGTERM: the second signal does not lose the report', async () => {
    const run = await deploy(
      { 'image-tag': 'v2', 'rollback-events': 'DEPLOYMENT_STOP_ON_REQUEST' },
      { signal: { after: waiting, send: ['SIGINT', 'SIGTERM'], gapMs: 30 } }
    )
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.outputs.status).toBe('cancelled')
    expect(run.summary).toMatch(/## 🛑 Deploy web: cancelled/)
    expect(run.summary).toContain('### Rollback')
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2', 'UpdateService web:1'])
  })
})

describe('item 6: DescribeServices denied mid-watch', () => {
  it('says the deployment continues, names the IAM action, and still rolls back when asked', async () => {
    // The plan's read and the first two polls pass; then every DescribeServices is denied.
    emulator.faults.add({ kind: 'access-denied', operation: 'DescribeServices', skip: 3 })
    const run = await deploy({ 'image-tag': 'v2', 'rollback-events': 'DEPLOYMENT_FAILURE' })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.errors[0]).toMatch(
      /DescribeServices: AccessDeniedException: .*; the deployment continues in ECS, but this step cannot follow it without ecs:DescribeServices/
    )
    expect(run.stdout).toMatch(/::warning::the deploy role may not call ecs:DescribeServices/)
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService web:2', 'UpdateService web:1'])
    expect(run.outputs.status).toBe('rolling-back')
    expect(run.outputs['task-definition-arn']).toBe(previous)
  })
})
