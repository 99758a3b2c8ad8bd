// The cause of a failed rollout comes first: one cause line under the summary's headline, identical stopped
// reasons grouped with a count, then the details; and the log's failure line says the cause too. Through
// dist/index.js against the emulator at 60x, whose failure rules make tasks stop with a reason.
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { blackBoxProject, runAgainst, seedLiveWeb, startWatchedEmulator } from '../helpers/black-box.js'
import { circuitBreaker, webService, webTask } from '../helpers/fixtures.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const serviceDefinition = webService({ desiredCount: 3 })
// As long as ECS's own message for an image that is not there (about 200 characters).
const PULL_ERROR =
  'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref registry.example.com/web:v2: registry.example.com/web:v2: not found'

beforeEach(async () => {
  emulator = await startWatchedEmulator()
  dir = await blackBoxProject({
    prefix: 'causes-action-',
    taskDefinition: webTask('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'),
    serviceDefinition
  })
  seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), serviceDefinition)
})

afterEach(async () => {
  await emulator.close()
})

const occurrences = (text: string, part: string) => text.split(part).length - 1

describe('the cause of a failed rollout, through dist/index.js', () => {
  it('a timeout whose tasks cannot pull their image: the cause right under the headline, grouped with a count', async () => {
    emulator.scenario.failTasks(
      { image: 'registry.example.com/web:v2' },
      { kind: 'cannot-pull', message: PULL_ERROR }
    )
    // 4 real seconds are 4 emulated minutes: ECS keeps replacing the tasks that fail to pull.
    const run = await runAgainst(emulator, dir, { 'image-tag': 'v2', timeout: '4s' })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.outputs.status).toBe('timed-out')

    const lines = run.summary.split('\n').filter(line => line.trim() !== '')
    expect(lines[0]).toMatch(/^## .*Deploy web: timed-out$/)
    const cause = /^\*\*Cause:\*\* (\d+) tasks stopped: (.*)$/.exec(lines[1]!)
    expect(cause, run.summary).not.toBeNull()
    const count = Number(cause![1])
    expect(count).toBeGreaterThan(5)
    expect(cause![2]).toBe(PULL_ERROR)
    // The grouped table says it once with its count; the long message is not repeated per task (it appears
    // in the cause line, the failure line, the rollout's reason and the grouped table).
    expect(run.summary).toContain(`| 1 | ${count} | ${PULL_ERROR} |`)
    expect(occurrences(run.summary, PULL_ERROR)).toBeLessThanOrEqual(4)
    expect(run.summary).toContain(`<summary>Each stopped task (${count})</summary>`)
    expect(run.summary.indexOf('### Stopped tasks')).toBeGreaterThan(run.summary.indexOf('**Cause:**'))

    // The step's failure line (the annotation and the log) carries the cause too.
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(`cause: ${count} tasks stopped: ${PULL_ERROR}`)
  }, 30_000)

  it('a circuit breaker that trips between two polls (three tasks fail in one wave) still names their cause', async () => {
    // With 3 tasks the breaker's threshold (3) is reached by the first wave: no poll sees failedTasks rise
    // before ECS rolls back, so the cause must come from the stopped tasks read at the end.
    const breaker = webService({ ...circuitBreaker, desiredCount: 3 })
    // A fresh emulator: the shared one already runs a service without the breaker.
    await emulator.close()
    emulator = await startWatchedEmulator()
    seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), breaker)
    const breakerDir = await blackBoxProject({
      prefix: 'causes-breaker-',
      taskDefinition: webTask('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'),
      serviceDefinition: breaker
    })
    emulator.scenario.failTasks(
      { image: 'registry.example.com/web:v2' },
      { kind: 'cannot-pull', message: PULL_ERROR }
    )
    const run = await runAgainst(emulator, breakerDir, { 'image-tag': 'v2' })
    expect(run.outputs.status).toBe('rolled-back')
    expect(run.summary).toMatch(/^\*\*Cause:\*\* 3 tasks stopped: /m)
    expect(run.summary).toContain(PULL_ERROR)
    expect(run.errors[0]).toContain(`cause: 3 tasks stopped: ${PULL_ERROR}`)
  }, 30_000)
})
