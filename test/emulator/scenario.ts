/** Named failure scenarios tests switch on: which tasks fail, how, and where placement fails. */

export interface TaskMatch {
  /** A container image, exact, or a RegExp tested against every container's image. */
  image?: string | RegExp
  /** A full task definition ARN, or `family:revision`, or a family. */
  taskDefinitionArn?: string
  /** Only tasks of this service. */
  service?: string
}

export type TaskFailure =
  /** The image cannot be pulled: the task never reaches RUNNING. */
  | { kind: 'cannot-pull'; message?: string }
  /** The essential container exits `afterSeconds` after the task reached RUNNING. */
  | { kind: 'exit'; afterSeconds?: number; exitCode?: number; reason?: string }
  /** The load balancer marks the task unhealthy `afterSeconds` after it reached RUNNING. */
  | { kind: 'unhealthy'; afterSeconds?: number; targetGroupArn?: string }

export interface FailureRule {
  match: TaskMatch
  how: TaskFailure
  /** Fail at most this many tasks, then let the rest run. */
  times?: number
  used: number
}

export interface PlacementRule {
  match: TaskMatch
  reason?: string
}

export interface MatchTarget {
  taskDefinitionArn: string
  family: string
  revision: number
  images: string[]
  service?: string | undefined
}

export function matches(match: TaskMatch, target: MatchTarget): boolean {
  if (match.service !== undefined && match.service !== target.service) return false
  if (match.taskDefinitionArn !== undefined) {
    const want = match.taskDefinitionArn
    const ok =
      want === target.taskDefinitionArn ||
      want === `${target.family}:${target.revision}` ||
      want === target.family
    if (!ok) return false
  }
  if (match.image !== undefined) {
    const want = match.image
    const ok = target.images.some(image => (typeof want === 'string' ? image === want : want.test(image)))
    if (!ok) return false
  }
  return true
}

export class Scenario {
  failures: FailureRule[] = []
  placement: PlacementRule[] = []
  /** Seconds from launch to RUNNING. */
  startSeconds = 10
  /** Seconds from a stop request to STOPPED (deregistration, SIGTERM, stop timeout). */
  stopSeconds = 5
  /**
   * Seconds the new tasks must stay RUNNING before ECS calls the deployment COMPLETED: a task that crashes
   * soon after starting fails the rollout (and counts toward the circuit breaker) instead of completing it.
   */
  stableSeconds = 30
  /** CodeDeploy: seconds each lifecycle hook takes. */
  hookSeconds = 5

  failureFor(target: MatchTarget): TaskFailure | undefined {
    for (const rule of this.failures) {
      if (rule.times !== undefined && rule.used >= rule.times) continue
      if (!matches(rule.match, target)) continue
      rule.used++
      return rule.how
    }
    return undefined
  }

  placementFailure(target: MatchTarget): PlacementRule | undefined {
    return this.placement.find(rule => matches(rule.match, target))
  }

  clear(): void {
    this.failures = []
    this.placement = []
  }
}
