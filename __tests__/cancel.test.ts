import { EventEmitter } from 'node:events'
import { describe, expect, it } from '@jest/globals'
import { cancelOnSignals } from '../src/cancel.js'
import { systemClock } from '../src/clock.js'

/** A stand-in for `process` that signals can be emitted on. */
function fakeProcess() {
  const emitter = new EventEmitter()
  return {
    emitter,
    target: {
      on: (name: string, fn: (...args: unknown[]) => void) => emitter.on(name, fn),
      off: (name: string, fn: (...args: unknown[]) => void) => emitter.off(name, fn)
    } as unknown as Pick<NodeJS.Process, 'on' | 'off'>
  }
}

describe('cancelOnSignals', () => {
  it('the first signal aborts with its name; a second one only hurries', () => {
    const { emitter, target } = fakeProcess()
    const said: string[] = []
    const stuck: string[] = []
    const cancel = cancelOnSignals({
      say: m => said.push(m),
      onStuck: s => stuck.push(s),
      target,
      graceMs: 5
    })
    expect(cancel.signal.aborted).toBe(false)
    emitter.emit('SIGINT', 'SIGINT')
    expect(cancel.signal.aborted).toBe(true)
    expect(cancel.signal.reason).toBe('SIGINT')
    emitter.emit('SIGTERM', 'SIGTERM')
    expect(said).toEqual([
      "received SIGINT: cancelling; reporting the deployment's state first",
      'received SIGTERM again: still writing the report'
    ])
    cancel.dispose()
    expect(emitter.listenerCount('SIGINT')).toBe(0)
  })

  it('writes what it can when the report is still missing after the grace time', async () => {
    const { emitter, target } = fakeProcess()
    const stuck: string[] = []
    const cancel = cancelOnSignals({ say: () => undefined, onStuck: s => stuck.push(s), target, graceMs: 5 })
    emitter.emit('SIGINT', 'SIGINT')
    emitter.emit('SIGTERM', 'SIGTERM')
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(stuck).toEqual(['SIGTERM'])
    cancel.dispose()
  })

  it('does nothing more once the report is written', async () => {
    const { emitter, target } = fakeProcess()
    const stuck: string[] = []
    const cancel = cancelOnSignals({ say: () => undefined, onStuck: s => stuck.push(s), target, graceMs: 5 })
    emitter.emit('SIGINT', 'SIGINT')
    emitter.emit('SIGTERM', 'SIGTERM')
    cancel.reported()
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(stuck).toEqual([])
    cancel.dispose()
  })
})

describe('systemClock.sleep', () => {
  it('wakes at once when its signal aborts, and does not start when it already has', async () => {
    const controller = new AbortController()
    const sleeping = systemClock.sleep(3_600_000, controller.signal)
    controller.abort('SIGINT')
    await sleeping
    await systemClock.sleep(3_600_000, controller.signal)
    expect(controller.signal.aborted).toBe(true)
  })
})
