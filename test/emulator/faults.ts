/** Fault injection per operation: by seeded rate or by count, deterministic run after run. */
import { Rng } from './util.js'

export type FaultKind =
  /** 400 ThrottlingException (`Rate exceeded`); the SDK retries it. */
  | 'throttle'
  /** 500 InternalFailure (or `status`, e.g. 503 ServiceUnavailable). */
  | 'server-error'
  /** Holds the request for `delayMs` real milliseconds, then serves it. */
  | 'delay'
  /** Destroys the connection without a reply. */
  | 'drop'
  /** AccessDeniedException (400) naming the IAM action, worded like AWS. */
  | 'access-denied'
  /** Any AWS error: `errorType`, `message`, `status` (e.g. AccessDeniedException 400). */
  | 'error'

export interface FaultRule {
  kind: FaultKind
  /** `ecs`, `codedeploy` or `autoscaling`; any when absent. */
  service?: string
  /** Operation name, e.g. `UpdateService`; any when absent. */
  operation?: string
  /** Fault this share of matching requests (0–1), decided by a seeded generator. */
  rate?: number
  /** Fault only the first `count` matching requests (after `skip`). */
  count?: number
  /** Let this many matching requests through before faulting. */
  skip?: number
  seed?: number
  /** `after`: perform the operation, then fail the reply — the caller cannot tell it happened. */
  when?: 'before' | 'after'
  status?: number
  errorType?: string
  message?: string
  delayMs?: number
}

interface ActiveRule {
  rule: FaultRule
  rng: Rng
  seen: number
  fired: number
}

export class Faults {
  private rules: ActiveRule[] = []

  add(rule: FaultRule): void {
    this.rules.push({ rule, rng: new Rng(rule.seed ?? 1), seen: 0, fired: 0 })
  }

  clear(): void {
    this.rules = []
  }

  /** The fault to apply to this request, if any. Every matching rule counts the request. */
  pick(service: string, operation: string): FaultRule | undefined {
    let chosen: FaultRule | undefined
    for (const active of this.rules) {
      const { rule } = active
      if (rule.service !== undefined && rule.service !== service) continue
      if (rule.operation !== undefined && rule.operation !== operation) continue
      active.seen++
      if (chosen) continue
      if (active.seen <= (rule.skip ?? 0)) continue
      if (rule.count !== undefined && active.fired >= rule.count) continue
      if (rule.rate !== undefined && active.rng.next() >= rule.rate) continue
      active.fired++
      chosen = rule
    }
    return chosen
  }
}

/**
 * What an unreliable AWS does to one rolling deploy: every call throttled at first, a 5xx on registration,
 * then a registration that takes effect but whose reply is lost (a retry must not register a second
 * revision), and a throttled UpdateService. Shared by the black-box tests and the benchmark.
 */
export function unreliableDeployFaults(): FaultRule[] {
  return [
    { kind: 'throttle', count: 2 },
    { operation: 'RegisterTaskDefinition', kind: 'server-error', count: 1 },
    { operation: 'RegisterTaskDefinition', kind: 'server-error', count: 1, skip: 1, when: 'after' },
    { operation: 'UpdateService', kind: 'throttle', count: 2 }
  ]
}
