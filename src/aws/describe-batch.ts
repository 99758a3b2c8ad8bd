/**
 * DescribeServices for many services at once: concurrent calls for the same cluster (and `include`) that
 * arrive within a short window go out as calls of at most 10 services (ECS's limit per call), and each
 * caller gets back its own services and failures. The watch code asks for its one service as before; with
 * twenty services on one cluster a poll costs two calls instead of twenty.
 */
import type {
  DescribeServicesCommandInput,
  DescribeServicesCommandOutput,
  Failure,
  Service
} from '@aws-sdk/client-ecs'

/** ECS's limit on `services` per DescribeServices call. */
export const SERVICES_PER_CALL = 10
/** How long a first request waits for others of its poll round (the watches' wake-ups are aligned). */
export const BATCH_WINDOW_MS = 25

type Send = (input: DescribeServicesCommandInput) => Promise<DescribeServicesCommandOutput>

interface Waiting {
  readonly input: DescribeServicesCommandInput
  readonly refs: readonly string[]
  readonly resolve: (output: DescribeServicesCommandOutput) => void
  readonly reject: (error: unknown) => void
  readonly signal: AbortSignal | undefined
}

/** One flush: how many callers it answered and how many calls it took. */
export interface BatchRound {
  readonly cluster: string
  readonly requests: number
  readonly services: number
  readonly calls: number
}

export class DescribeServicesBatcher {
  private readonly pending = new Map<string, Waiting[]>()
  /** Every flush, oldest first. */
  readonly rounds: BatchRound[] = []

  constructor(
    private readonly send: Send,
    private readonly windowMs = BATCH_WINDOW_MS
  ) {}

  describe(
    input: DescribeServicesCommandInput,
    signal?: AbortSignal
  ): Promise<DescribeServicesCommandOutput> {
    const refs = input.services ?? []
    // Outside what a batch can carry (none, or more than a call takes): as asked, so ECS answers it.
    if (refs.length === 0 || refs.length > SERVICES_PER_CALL) return this.send(input)
    const key = JSON.stringify([input.cluster ?? 'default', [...(input.include ?? [])].sort()])
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal))
      signal?.addEventListener('abort', () => reject(abortError(signal)), { once: true })
      let queue = this.pending.get(key)
      if (!queue) {
        queue = []
        this.pending.set(key, queue)
        setTimeout(() => void this.flush(key), this.windowMs)
      }
      queue.push({ input, refs, resolve, reject, signal })
    })
  }

  private async flush(key: string): Promise<void> {
    const queue = (this.pending.get(key) ?? []).filter(w => !w.signal?.aborted)
    this.pending.delete(key)
    if (queue.length === 0) return
    const first = queue[0]!.input
    // Callers packed into calls of at most 10 services; a caller's services stay in one call.
    const batches: { refs: Set<string>; waiting: Waiting[] }[] = []
    for (const w of queue) {
      const fits = batches.find(b => new Set([...b.refs, ...w.refs]).size <= SERVICES_PER_CALL)
      const batch = fits ?? { refs: new Set<string>(), waiting: [] }
      if (!fits) batches.push(batch)
      for (const ref of w.refs) batch.refs.add(ref)
      batch.waiting.push(w)
    }
    this.rounds.push({
      cluster: first.cluster ?? 'default',
      requests: queue.length,
      services: batches.reduce((n, b) => n + b.refs.size, 0),
      calls: batches.length
    })
    await Promise.all(
      batches.map(async batch => {
        let output: DescribeServicesCommandOutput
        try {
          output = await this.send({ ...first, services: [...batch.refs] })
        } catch (error) {
          for (const w of batch.waiting) w.reject(error)
          return
        }
        for (const w of batch.waiting) w.resolve(answerFor(w.refs, output))
      })
    )
  }
}

/** The part of a batched answer one caller asked for, in its order, failures included. */
export function answerFor(
  refs: readonly string[],
  output: DescribeServicesCommandOutput
): DescribeServicesCommandOutput {
  const services: Service[] = []
  const failures: Failure[] = []
  for (const ref of refs) {
    const service = output.services?.find(s => s.serviceName === ref || s.serviceArn === ref)
    if (service) {
      services.push(service)
      continue
    }
    const failure = output.failures?.find(f => f.arn === ref || f.arn?.endsWith(`/${ref}`))
    if (failure) failures.push(failure)
  }
  return { $metadata: output.$metadata, services, failures }
}

function abortError(signal: AbortSignal): Error {
  const error = new Error(typeof signal.reason === 'string' ? signal.reason : 'The operation was aborted')
  error.name = 'AbortError'
  return error
}
