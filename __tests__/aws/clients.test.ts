import { describe, it, jest } from '@jest/globals'
import { ListClustersCommand } from '@aws-sdk/client-ecs'
import {
  createAwsClients,
  DNS_RETRIES,
  isDnsFailure,
  MAX_RETRY_DELAY_MS,
  retryDelayMs
} from '../../src/aws/clients.js'
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

describe('a host name that does not resolve', () => {
  it(`is retried ${DNS_RETRIES} times, not until the attempts run out`, async () => {
    jest.replaceProperty(process, 'env', {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'x'
    })
    // `.invalid` never resolves (RFC 2606).
    const ecs = await createAwsClients({
      region: 'us-east-1',
      endpoint: 'http://ecs.example.invalid',
      maxAttempts: 8
    }).ecs()
    const error: unknown = await ecs.send(new ListClustersCommand({})).catch((e: unknown) => e)
    ecs.destroy()
    jest.restoreAllMocks()
    // Inside jest's VM the SDK wraps the error, so its message is what tells the kind here.
    expect(String(error)).toContain('ENOTFOUND')
    expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(DNS_RETRIES + 1)
  })

  it('knows a DNS failure by its code, and a throttle is none', () => {
    expect(isDnsFailure(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }))).toBe(
      true
    )
    expect(isDnsFailure(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))).toBe(
      false
    )
  })
})
