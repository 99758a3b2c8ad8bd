import { describe, it } from '@jest/globals'
import { createAwsClients, MAX_RETRY_DELAY_MS, retryDelayMs } from '../../src/aws/clients.js'
import { expect } from '../helpers/expect.js'

describe('retry backoff', () => {
  it('waits at least half of a ceiling that doubles with each retry', () => {
    expect([1, 2, 3, 4].map(n => retryDelayMs(n, () => 0))).toEqual([125, 250, 500, 1000])
    expect([1, 2, 3, 4].map(n => retryDelayMs(n, () => 1))).toEqual([250, 500, 1000, 2000])
  })

  it('two throttled attempts cost under a second; the eighth attempt still backs off for seconds', () => {
    const worst = (n: number) => retryDelayMs(n, () => 1)
    expect(worst(1) + worst(2)).toBeLessThanOrEqual(750)
    const least = [1, 2, 3, 4, 5, 6, 7].reduce((sum, n) => sum + retryDelayMs(n, () => 0), 0)
    expect(least).toBeGreaterThanOrEqual(15_000)
  })

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(30, () => 1)).toBe(MAX_RETRY_DELAY_MS)
  })
})

describe('client factory', () => {
  it('retries in standard mode with that backoff, without the adaptive client-side rate limiter', async () => {
    const ecs = await createAwsClients({ region: 'us-east-1', maxAttempts: 5 }).ecs()
    const strategy = await ecs.config.retryStrategy()
    expect((strategy as { mode?: string }).mode).toBe('standard')
    expect(strategy).not.toHaveProperty('rateLimiter')
    expect(await ecs.config.maxAttempts()).toBe(5)
    ecs.destroy()
  })
})
