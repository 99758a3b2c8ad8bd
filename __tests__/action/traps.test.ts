// Small traps, through dist/index.js against the emulator: `command: diff` is the dry run (the ecspresso habit),
// and a timeout without a unit stops the step before any AWS call, with a hint.
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { blackBoxProject, runAgainst, seedLiveWeb, startWatchedEmulator } from '../helpers/black-box.js'
import { circuitBreaker, webService, webTask } from '../helpers/fixtures.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string
const serviceDefinition = webService(circuitBreaker)

beforeEach(async () => {
  emulator = await startWatchedEmulator()
  dir = await blackBoxProject({
    prefix: 'traps-action-',
    taskDefinition: webTask('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'),
    serviceDefinition
  })
  seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), serviceDefinition)
})

afterEach(async () => {
  await emulator.close()
})

describe('small traps, through dist/index.js', () => {
  it('command: diff plans like dry-run: true and writes nothing', async () => {
    const run = await runAgainst(emulator, dir, { command: 'diff', 'image-tag': 'v2' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs.status).toBe('dry-run')
    expect(run.outputs['has-changes']).toBe('true')
    expect(run.outputs.diff).toContain('registry.example.com/web:v2')
    expect(emulator.writes()).toEqual([])
  })

  it('timeout: 600 is one error naming both readings, before any AWS call', async () => {
    const run = await runAgainst(emulator, dir, { 'image-tag': 'v2', timeout: '600' })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain("input 'timeout': '600' has no unit")
    expect(run.errors[0]).toContain('600s or 10m')
    expect(run.summary).toMatch(/^## ❌ ECS deploy failed/)
    expect(emulator.calls('DescribeServices')).toEqual([])
    expect(emulator.writes()).toEqual([])
  })
})
