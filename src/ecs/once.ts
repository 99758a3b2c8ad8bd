import { retryDelayMs } from '../aws/clients.js'
import type { Clock } from '../clock.js'

/**
 * A write whose outcome is unknown: the request may or may not have been applied (a 5xx answer, a dropped
 * connection, a timeout). Named so the SDK does not retry it blindly; the caller checks AWS and decides.
 */
export class OutcomeUnknownError extends Error {
  /** The error the SDK saw; deliberately not `cause`, which the SDK's retry classifier would follow. */
  readonly original: unknown

  constructor(operation: string, original: unknown) {
    super(
      `${operation}: no clear answer from AWS (${original instanceof Error ? original.message : String(original)})`
    )
    this.name = 'OutcomeUnknownError'
    this.original = original
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'SlowDown'
])

interface ErrorShape {
  name?: unknown
  $metadata?: { httpStatusCode?: number }
  $retryable?: { throttling?: boolean }
}

/** A refusal the server sent before doing anything: throttled (retry later) or a 4xx (fatal). */
export function isDefiniteRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const e = error as ErrorShape
  if (typeof e.name === 'string' && THROTTLING.has(e.name)) return true
  if (e.$retryable?.throttling === true) return true
  const status = e.$metadata?.httpStatusCode
  return status !== undefined && status >= 400 && status < 500
}

export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const e = error as ErrorShape
  return (
    (typeof e.name === 'string' && THROTTLING.has(e.name)) ||
    e.$retryable?.throttling === true ||
    e.$metadata?.httpStatusCode === 429
  )
}

/** The subset of an SDK command we touch: its middleware stack. */
interface WithMiddleware {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'deserialize'; priority: 'high'; name: string }
    ): void
  }
}

/**
 * Marks a write command so that the SDK retries it only when AWS definitely refused it (throttling), and any
 * ambiguous failure (5xx, network) surfaces as OutcomeUnknownError instead of a blind retry that could apply
 * the write twice. Returns the same command.
 */
export function noBlindRetry<C>(command: C, operation: string): C {
  ;(command as unknown as WithMiddleware).middlewareStack.add(
    next => async args => {
      try {
        return await next(args)
      } catch (error) {
        if (isDefiniteRefusal(error)) throw error
        throw new OutcomeUnknownError(operation, error)
      }
    },
    { step: 'deserialize', priority: 'high', name: `noBlindRetry${operation}` }
  )
  return command
}

export interface OnceOptions<T> {
  readonly operation: string
  readonly clock: Clock
  /** Sends the write (a fresh command each time, built with noBlindRetry). */
  readonly send: () => Promise<T>
  /** After an ambiguous failure: did the write happen? Returns its result, or undefined when it did not. */
  readonly check: () => Promise<T | undefined>
  /** Attempts after the first, for ambiguous failures and exhausted throttling retries. */
  readonly retries?: number
  /** Called before each retry, for the log. */
  readonly onRetry?: (reason: string, attempt: number) => void
}

/**
 * The wait before our own retry `attempt` (1 for the first). After an ambiguous failure AWS has already
 * answered the check, so the SDK's short backoff will do; after the SDK's own throttling retries ran out
 * (16 s and more of backing off), wait longer: the limit has not refilled yet.
 */
export function retryWaitMs(attempt: number, throttled: boolean): number {
  return throttled ? Math.min(16_000, 1000 * 2 ** (attempt - 1)) : retryDelayMs(attempt)
}

/**
 * Applies a write exactly once: throttling is retried (the SDK backs off; when its attempts run out we wait
 * and try again), and after an ambiguous failure we ask AWS whether the write happened before trying again.
 */
export async function applyOnce<T>(options: OnceOptions<T>): Promise<T> {
  const retries = options.retries ?? 4
  let lastError: unknown
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await options.clock.sleep(retryWaitMs(attempt, isThrottling(lastError)))
    try {
      return await options.send()
    } catch (error) {
      lastError = error
      if (error instanceof OutcomeUnknownError) {
        const found = await options.check()
        if (found !== undefined) return found
        options.onRetry?.(error.message, attempt + 1)
        continue
      }
      if (isThrottling(error)) {
        options.onRetry?.(`${options.operation} throttled`, attempt + 1)
        continue
      }
      throw error
    }
  }
  throw lastError instanceof OutcomeUnknownError ? lastError.original : lastError
}
