// applyOnce on an injected clock: the waits it asks for, and that a write is sent again only when the check
// says it did not happen.
import { describe, it } from '@jest/globals'
import { applyOnce, OutcomeUnknownError, retryWaitMs } from '../../src/ecs/once.js'
import { expect } from '../helpers/expect.js'

function clock() {
  const sleeps: number[] = []
  return { sleeps, clock: { now: () => 0, sleep: (ms: number) => Promise.resolve(void sleeps.push(ms)) } }
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })

describe('applyOnce', () => {
  it('after an ambiguous failure, checks, then retries after a short backoff', async () => {
    const { sleeps, clock: c } = clock()
    let sent = 0
    const result = await applyOnce({
      operation: 'Op',
      clock: c,
      send: () =>
        ++sent === 1
          ? Promise.reject(new OutcomeUnknownError('Op', new Error('reset')))
          : Promise.resolve('done'),
      check: () => Promise.resolve(undefined)
    })
    expect(result).toBe('done')
    expect(sent).toBe(2)
    expect(sleeps).toHaveLength(1)
    expect(sleeps[0]).toBeLessThanOrEqual(250)
  })

  it('a write the check finds is not sent again', async () => {
    const { sleeps, clock: c } = clock()
    let sent = 0
    const result = await applyOnce({
      operation: 'Op',
      clock: c,
      send: () => (sent++, Promise.reject(new OutcomeUnknownError('Op', new Error('reset')))),
      check: () => Promise.resolve('found')
    })
    expect(result).toBe('found')
    expect(sent).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('after the SDK’s throttling retries ran out, waits seconds, growing', async () => {
    const { sleeps, clock: c } = clock()
    let sent = 0
    await applyOnce({
      operation: 'Op',
      clock: c,
      send: () => (++sent <= 3 ? Promise.reject(throttled()) : Promise.resolve('done')),
      check: () => Promise.resolve(undefined)
    })
    expect(sleeps).toEqual([1000, 2000, 4000])
    expect(retryWaitMs(9, true)).toBe(16_000)
  })
})
