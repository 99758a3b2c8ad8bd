/**
 * One request budget per API for a whole step: a token bucket per ECS (and CodeDeploy) API, shared by every
 * service the step deploys, so twenty parallel rollouts stay under the account's throttling quotas instead of
 * finding them. ECS throttles per account and Region with a token bucket per API group ("Request throttling
 * for the Amazon ECS API"): the bucket's size is the burst, its refill rate the sustained rate. We keep a
 * margin under both, because other callers share the account and replies arrive out of order.
 */

export interface BucketLimit {
  /** Tokens the bucket holds when full (requests in one burst). */
  readonly burst: number
  /** Tokens added per second (the sustained rate). */
  readonly perSecond: number
}

/**
 * ECS's documented quotas (burst / sustained per second) by API group, as the developer guide's
 * "Request throttling for the Amazon ECS API" lists them.
 */
export const ECS_LIMITS: Readonly<Record<string, BucketLimit>> = {
  clusterRead: { burst: 50, perSecond: 20 },
  serviceRead: { burst: 100, perSecond: 20 },
  serviceWrite: { burst: 50, perSecond: 5 },
  taskDefinitionRead: { burst: 100, perSecond: 20 },
  taskDefinitionWrite: { burst: 20, perSecond: 1 },
  taskRead: { burst: 100, perSecond: 20 },
  taskWrite: { burst: 100, perSecond: 20 },
  tagRead: { burst: 50, perSecond: 20 },
  tagWrite: { burst: 50, perSecond: 20 },
  other: { burst: 20, perSecond: 5 }
}

/** The group an ECS operation counts against. */
export function ecsGroup(operation: string): string {
  const read = /^(Describe|List|Get)/.test(operation)
  if (/Clusters?$/.test(operation) && !/Service/.test(operation)) return 'clusterRead'
  if (/^(ListTagsForResource)$/.test(operation)) return 'tagRead'
  if (/^(TagResource|UntagResource)$/.test(operation)) return 'tagWrite'
  if (/TaskDefinition/.test(operation)) return read ? 'taskDefinitionRead' : 'taskDefinitionWrite'
  if (/Service/.test(operation)) return read ? 'serviceRead' : 'serviceWrite'
  if (/Tasks?$/.test(operation)) return read ? 'taskRead' : 'taskWrite'
  return 'other'
}

/**
 * CodeDeploy documents no per-API figures; a modest bucket per API keeps a step's many GetDeployment polls
 * from crowding out its writes.
 */
export const CODEDEPLOY_LIMIT: BucketLimit = { burst: 20, perSecond: 10 }

/**
 * Share of the documented sustained rate this step allows itself (the burst is ECS's own: a step's first
 * registrations may use it whole; other callers' throttled requests are retried by the SDK).
 */
export const MARGIN = 0.8

export interface BudgetClock {
  now(): number
  sleep(ms: number): Promise<void>
}

/** Quotas are about wall time, whatever clock the deploy runs on. */
export const wallClock: BudgetClock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
}

/**
 * A token bucket: `take()` resolves when a token is there, in the order callers asked. It refills only from
 * the first answer on: ECS's bucket starts when our first request reaches it, which a cold client's first
 * request (credentials, connection) does late, so counting from our first send would run ahead of it.
 */
export class TokenBucket {
  private tokens: number
  private at: number | undefined
  private queue: Promise<void> = Promise.resolve()
  /** Requests that had to wait for a token. */
  waited = 0

  constructor(
    readonly limit: BucketLimit,
    private readonly clock: BudgetClock
  ) {
    this.tokens = limit.burst
  }

  /** A request of this bucket was answered: refilling starts (once). */
  answered(): void {
    this.at ??= this.clock.now()
  }

  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      let counted = false
      for (;;) {
        const now = this.clock.now()
        if (this.at !== undefined) {
          this.tokens = Math.min(
            this.limit.burst,
            this.tokens + ((now - this.at) / 1000) * this.limit.perSecond
          )
          this.at = now
        }
        if (this.tokens >= 1) {
          this.tokens -= 1
          return
        }
        if (!counted) this.waited++
        counted = true
        const refill = this.at === undefined ? 50 : ((1 - this.tokens) / this.limit.perSecond) * 1000
        await this.clock.sleep(Math.ceil(refill))
      }
    })
    this.queue = turn
    return turn
  }
}

/** The step's budget: a bucket per API name (with its ECS group's quota), made on first use. */
export class RateBudget {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(
    private readonly clock: BudgetClock,
    private readonly margin = MARGIN
  ) {}

  bucket(service: string, operation: string): TokenBucket {
    const key = `${service}:${operation}`
    let bucket = this.buckets.get(key)
    if (!bucket) {
      const limit = service === 'ecs' ? ECS_LIMITS[ecsGroup(operation)]! : CODEDEPLOY_LIMIT
      bucket = new TokenBucket(
        {
          burst: limit.burst,
          perSecond: limit.perSecond * this.margin
        },
        this.clock
      )
      this.buckets.set(key, bucket)
    }
    return bucket
  }

  /** Requests per bucket that waited for a token (for the log and the bench). */
  waits(): Record<string, number> {
    return Object.fromEntries([...this.buckets].map(([key, bucket]) => [key, bucket.waited]))
  }
}
