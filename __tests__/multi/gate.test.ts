// The gate of a step over several services: no write before every service passed its checks, at most
// max-parallel services writing, and on-failure: stop keeping the rest from starting.
import { describe, it } from '@jest/globals'
import { DeployGate, NotStarted } from '../../src/multi/gate.js'
import { configPaths } from '../../src/multi/configs.js'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from '../helpers/expect.js'

const tick = () => new Promise(resolve => setTimeout(resolve, 5))

describe('DeployGate', () => {
  it('opens only when every service is at its first write or done', async () => {
    const gate = new DeployGate(['a', 'b', 'c'], 4)
    let passed = 0
    const a = gate.beforeWrite(0).then(() => passed++)
    gate.done(1, false) // b: nothing to write (no change)
    await tick()
    expect(passed).toBe(0)
    const c = gate.beforeWrite(2).then(() => passed++)
    await Promise.all([a, c])
    expect(passed).toBe(2)
    expect(gate.isOpen()).toBe(true)
  })

  it('one service failing its checks: the others never write, once all checks are done', async () => {
    const gate = new DeployGate(['a', 'b', 'c'], 4)
    const a = gate.beforeWrite(0)
    gate.done(1, true)
    const c = gate.beforeWrite(2)
    await expect(a).rejects.toThrow(new NotStarted('not started: b failed its checks', 'checks'))
    await expect(c).rejects.toBeInstanceOf(NotStarted)
    expect(gate.started(0)).toBe(false)
  })

  it('lets max-parallel services write at once, in config order whoever finished its checks first', async () => {
    const gate = new DeployGate(['a', 'b', 'c', 'd'], 2)
    const order: number[] = []
    const entered = [3, 1, 0, 2].map(i => gate.beforeWrite(i).then(() => order.push(i)))
    await tick()
    expect(order.sort()).toEqual([0, 1])
    gate.done(1, false)
    await tick()
    expect(order).toEqual([0, 1, 2])
    gate.done(0, false)
    await Promise.all(entered)
    expect(order).toEqual([0, 1, 2, 3])
  })

  it('stop: the services still waiting never start; the running ones go on', async () => {
    const gate = new DeployGate(['a', 'b', 'c'], 1)
    const a = gate.beforeWrite(0)
    const b = gate.beforeWrite(1)
    const c = gate.beforeWrite(2)
    await a
    gate.stop('not started: a failed (on-failure: stop)')
    gate.done(0, false)
    await expect(b).rejects.toThrow('not started: a failed (on-failure: stop)')
    await expect(c).rejects.toBeInstanceOf(NotStarted)
    expect(gate.started(0)).toBe(true)
    expect(gate.started(1)).toBe(false)
  })
})

describe('config paths and patterns', () => {
  it('one literal path is returned as given, unread; patterns expand sorted, each file once', async () => {
    expect(await configPaths(['nowhere/ecspresso.yml'])).toEqual(['nowhere/ecspresso.yml'])
    const dir = await mkdtemp(join(tmpdir(), 'config-paths-'))
    for (const name of ['web', 'api', 'worker']) {
      await mkdir(join(dir, 'deploy', name), { recursive: true })
      await writeFile(join(dir, 'deploy', name, 'ecspresso.yml'), '')
    }
    expect(await configPaths(['deploy/*/ecspresso.yml'], dir)).toEqual([
      'deploy/api/ecspresso.yml',
      'deploy/web/ecspresso.yml',
      'deploy/worker/ecspresso.yml'
    ])
    expect(await configPaths(['./deploy/web/ecspresso.yml', 'deploy/{web,api}/ecspresso.yml'], dir)).toEqual([
      './deploy/web/ecspresso.yml',
      'deploy/api/ecspresso.yml'
    ])
  })

  it('a pattern that matches nothing is an error naming it and the config input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-paths-'))
    await expect(configPaths(['a.yml', 'services/*/ecspresso.yml'], dir)).rejects.toThrow(
      "the config pattern 'services/*/ecspresso.yml' matches no file"
    )
  })
})

describe('alignedClock', () => {
  it('wakes watches that started apart on the same instants, at the pace they asked for', async () => {
    const { alignedClock } = await import('../../src/multi/run.js')
    let now = 0
    const wakes: number[] = []
    const clock = alignedClock({
      now: () => now,
      sleep: ms => {
        now += ms
        wakes.push(now)
        return Promise.resolve()
      }
    })
    // Two watches polling every 2 s, started 730 ms apart, each taking 40 ms a poll.
    const times = (start: number, polls: number, ms: number) => {
      const seen: number[] = []
      now = start
      return (async () => {
        for (let i = 0; i < polls; i++) {
          await clock.sleep(ms)
          seen.push(now)
          now += 40
        }
        return seen
      })()
    }
    const a = await times(10_000, 5, 2000)
    const b = await times(10_730, 5, 2000)
    expect(a.filter(t => b.includes(t)).length).toBeGreaterThanOrEqual(4)
    expect(a.every(t => t % 2000 === 0)).toBe(true)
    // The pace holds: five polls of 2 s take about 10 s.
    expect(a[4]! - 10_000).toBeGreaterThanOrEqual(9_000)
    expect(a[4]! - 10_000).toBeLessThanOrEqual(11_000)
    // A fixed interval under 2 s is its own grid.
    const c = await times(5_050, 3, 1000)
    expect(c).toEqual([6000, 7000, 8000])
  })
})
