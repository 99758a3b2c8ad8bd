// Budgets for what one rolling deploy costs the AWS account, on the emulator's virtual clock with the watch's
// real poll schedule: write calls, and reads over a 30-minute rollout (stalled, or moving one task a minute).
import { describe, expect, it } from '@jest/globals'
import { runDeploy } from '../../src/commands/deploy.js'
import { POLL_SCHEDULE } from '../../src/ecs/watch.js'
import type { Emulator } from '../../test/emulator/index.js'
import {
  context,
  emulatorForEachTest,
  project,
  seedSteadyWeb,
  serviceDefinition,
  taskDefinition
} from '../deploy/harness.js'

const MINUTE = 60_000
const CALL_BUDGET = 400

let emulator: Emulator

emulatorForEachTest(e => (emulator = e))

function seedWeb(desiredCount: number, deploymentConfiguration: Record<string, unknown>): void {
  seedSteadyWeb(emulator, { deploymentConfiguration }, desiredCount)
}

/** Writes that took effect (a fault injected before the operation ran means it did not). */
const writes = () =>
  emulator
    .writes()
    .filter(r => r.fault === undefined && r.error === undefined)
    .map(r => r.operation)

/** Deploys nginx:1.27 with a 45-minute timeout and returns what the watch cost and saw. */
async function deploy(desiredCount: number) {
  const { ctx } = context(emulator, { timeoutMs: 45 * MINUTE })
  const result = await runDeploy(
    ctx,
    project({
      taskDefinition: taskDefinition('nginx:1.27'),
      serviceDefinition: serviceDefinition({ desiredCount })
    })
  )
  const start = emulator.calls('UpdateService')[0]!.time
  const polls = emulator
    .calls('DescribeServices')
    .map(r => r.time)
    .filter(t => t > start)
  const service = emulator.describeService('prod', 'web') as {
    events: { createdAt: number; message: string }[]
  }
  const completed = service.events.find(e => / deployment completed\.$/.test(e.message))!.createdAt * 1000
  const gaps = polls.slice(1).map((p, i) => p - polls[i]!)
  return {
    result,
    durationMs: completed - start,
    calls:
      emulator.calls('DescribeServices').length +
      emulator.calls('DescribeServiceDeployments').length +
      emulator.calls('ListServiceDeployments').length,
    worstGapMs: Math.max(polls[0]! - start, ...gaps),
    /** From the completion to the poll that saw it. */
    latencyMs: polls.find(p => p >= completed)! - completed
  }
}

describe('one rolling deploy: write calls', () => {
  it('exactly one RegisterTaskDefinition and one UpdateService', async () => {
    seedWeb(2, {})
    const { ctx } = context(emulator)
    const result = await runDeploy(ctx, project({ taskDefinition: taskDefinition('nginx:1.27') }))
    expect(result.status).toBe('succeeded')
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService'])
  })

  it('still exactly one of each when every call is throttled at first', async () => {
    seedWeb(2, {})
    emulator.faults.add({ kind: 'throttle', count: 1 })
    emulator.faults.add({ operation: 'RegisterTaskDefinition', kind: 'throttle', count: 1 })
    emulator.faults.add({ operation: 'UpdateService', kind: 'throttle', count: 1 })
    const { ctx } = context(emulator)
    const result = await runDeploy(ctx, project({ taskDefinition: taskDefinition('nginx:1.27') }))
    expect(result.status).toBe('succeeded')
    expect(emulator.requests.some(r => r.fault === 'throttle')).toBe(true)
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService'])
  })
})

describe('a 30-minute rollout: reads and detection on the real poll schedule', () => {
  it('stalled: tasks take 30 minutes to start, nothing changes meanwhile', async () => {
    seedWeb(2, { minimumHealthyPercent: 100, maximumPercent: 200 })
    emulator.scenario.taskStartSeconds(30 * 60)
    const run = await deploy(2)
    expect(run.result.status).toBe('succeeded')
    expect(run.durationMs).toBeGreaterThanOrEqual(30 * MINUTE)
    expect(run.calls).toBeLessThanOrEqual(CALL_BUDGET)
    expect(run.worstGapMs).toBeLessThanOrEqual(POLL_SCHEDULE.slowMs)
    expect(run.latencyMs).toBeLessThanOrEqual(POLL_SCHEDULE.slowMs)
  })

  it('moving: 30 tasks replaced one at a time, about one a minute', async () => {
    // 104% of 30 leaves room for one extra task: each new task starts, runs, and one old task stops.
    seedWeb(30, { minimumHealthyPercent: 100, maximumPercent: 104 })
    emulator.scenario.taskStartSeconds(58)
    const run = await deploy(30)
    expect(run.result.status).toBe('succeeded')
    expect(run.durationMs).toBeGreaterThanOrEqual(28 * MINUTE)
    expect(run.durationMs).toBeLessThanOrEqual(32 * MINUTE)
    expect(run.calls).toBeLessThanOrEqual(CALL_BUDGET)
    expect(run.worstGapMs).toBeLessThanOrEqual(POLL_SCHEDULE.slowMs)
    // The last old task drains for 30 s with no visible change before the deployment completes: the watch is
    // on its slow schedule by then, and the completion is seen within one slow gap.
    expect(run.latencyMs).toBeLessThanOrEqual(POLL_SCHEDULE.slowMs)
  })
})
