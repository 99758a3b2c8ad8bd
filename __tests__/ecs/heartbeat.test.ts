// A slow rollout never leaves the log silent: on the emulator's virtual clock (no real waiting), tasks that
// take 45 s to start make a heartbeat line every 30 s, in the rolling and the CodeDeploy watch.
import { afterEach, beforeAll, describe, it } from '@jest/globals'
import { deployWithCodeDeploy } from '../../src/codedeploy/index.js'
import { runDeploy } from '../../src/commands/deploy.js'
import { heartbeat, heartbeatLine } from '../../src/ecs/heartbeat.js'
import type { Logger } from '../../src/log.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { blueGreenWorld, context as blueGreenContext, live, writeProject } from '../codedeploy/harness.js'
import { context, project, seedSteadyWeb } from '../deploy/harness.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator | undefined

beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'
  process.env.AWS_SECRET_ACCESS_KEY = 'secret'
})

afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

/** Records the emulator's clock time of every heartbeat line the logger prints. */
function stampHeartbeats(log: Logger, now: () => number): { at: number; line: string }[] {
  const beats: { at: number; line: string }[] = []
  const info = log.info.bind(log)
  log.info = (line: string) => {
    if (line.startsWith('still waiting for ')) beats.push({ at: now(), line })
    info(line)
  }
  return beats
}

const gaps = (beats: readonly { at: number }[]) => beats.slice(1).map((b, i) => b.at - beats[i]!.at)

describe('heartbeat', () => {
  it('rolling: a line every 30 s with the counts, the time waited and the time left', async () => {
    emulator = await startEmulator()
    emulator.createCluster('prod')
    seedSteadyWeb(emulator)
    emulator.scenario.taskStartSeconds(45)
    const { ctx, log } = context(emulator, { timeoutMs: 5 * 60_000 })
    const beats = stampHeartbeats(ctx.log, () => emulator!.clock.now())
    // Polls every 5 s, so the 30 s marks fall on polls and the gaps are exact.
    const result = await runDeploy({ ...ctx, pollIntervalMs: 5000 }, project({}))
    expect(result.status, log.lines.join('\n')).toBe('succeeded')
    expect(beats.length).toBeGreaterThanOrEqual(2)
    expect(gaps(beats).every(gap => gap === 30_000)).toBe(true)
    expect(beats[0]!.line).toBe(
      'still waiting for the deployment: running 0, pending 2, desired 2 (IN_PROGRESS); waited 30s, 4m30s left of the 5m timeout'
    )
    expect(beats[1]!.line).toContain('waited 1m, 4m left of the 5m timeout')
  })

  it('rolling, on its own poll schedule: the silence between lines never reaches 50 s', async () => {
    emulator = await startEmulator()
    emulator.createCluster('prod')
    seedSteadyWeb(emulator)
    emulator.scenario.taskStartSeconds(45)
    const { ctx, log } = context(emulator)
    const stamps: number[] = []
    const info = ctx.log.info.bind(ctx.log)
    ctx.log.info = (line: string) => {
      stamps.push(emulator!.clock.now())
      info(line)
    }
    const result = await runDeploy(ctx, project({}))
    expect(result.status, log.lines.join('\n')).toBe('succeeded')
    expect(Math.max(...gaps(stamps.map(at => ({ at }))))).toBeLessThanOrEqual(40_000)
  })

  it('CodeDeploy: a line every 30 s with the replacement task set counts and the deployment status', async () => {
    const world = await blueGreenWorld()
    emulator = world.emulator
    world.emulator.scenario.taskStartSeconds(45)
    const { ctx, log } = blueGreenContext(world, { timeoutMs: 10 * 60_000 })
    const beats = stampHeartbeats(ctx.log, () => world.emulator.clock.now())
    const result = await deployWithCodeDeploy({
      ctx: { ...ctx, pollIntervalMs: 5000 },
      project: await writeProject(),
      live: await live(world),
      taskDefinitionArn: world.newArn,
      clients: world.clients
    })
    expect(result.status, log.lines.join('\n')).toBe('succeeded')
    expect(beats.length).toBeGreaterThanOrEqual(1)
    expect(gaps(beats).every(gap => gap === 30_000)).toBe(true)
    expect(beats[0]!.line).toMatch(
      /^still waiting for deployment d-[A-Z0-9]+: running 0, pending 2, desired 2 \(InProgress\); waited 30s, 9m30s left of the 10m timeout$/
    )
  })

  it('keeps to the 30 s marks however the polls fall, one line for a long gap', () => {
    let now = 0
    const lines: string[] = []
    const beat = heartbeat({
      clock: { now: () => now, sleep: () => Promise.resolve() },
      print: line => lines.push(line),
      started: 0,
      deadline: 120_000,
      what: 'x'
    })
    for (now = 0; now <= 120_000; now += 7000) beat.tick(undefined)
    // Marks at 30, 60, 90 s; the polls after them are at 35, 63 and 91 s.
    expect(lines).toEqual([
      heartbeatLine(35_000, 85_000, 'x', undefined),
      heartbeatLine(63_000, 57_000, 'x', undefined),
      heartbeatLine(91_000, 29_000, 'x', undefined)
    ])
  })
})
