import type { HookRule } from './native-deploy.js'

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
  /**
   * An image cannot be pulled: the task never reaches RUNNING. The failing container is `container`, else the
   * one whose image the rule's `match.image` matched, else the first.
   */
  | { kind: 'cannot-pull'; message?: string; container?: string }
  /**
   * A container exits `afterSeconds` after the task reached RUNNING: `container`, else the first essential
   * one. An essential container's exit stops the task; a non-essential one's leaves it running, as on ECS.
   */
  | { kind: 'exit'; afterSeconds?: number; exitCode?: number; reason?: string; container?: string }
  /** The load balancer marks the task unhealthy `afterSeconds` after it reached RUNNING. */
  | { kind: 'unhealthy'; afterSeconds?: number; targetGroupArn?: string }

/**
 * What a task's containers do once RUNNING (a one-off task such as a migration): `logs` are the lines its
 * container writes, one a second from RUNNING (a list for `container`, or lines per container name), and
 * `container` (else the first essential one) exits with `exitCode` after `runSeconds` (default: one second
 * after its last line, at least 5 s), which stops the task when that container is essential.
 */
export interface TaskScript {
  logs?: string[] | Record<string, string[]>
  exitCode?: number
  runSeconds?: number
  container?: string
}

export interface ScriptRule {
  match: TaskMatch
  script: TaskScript
}

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
  scripts: ScriptRule[] = []
  /** Seconds from launch to RUNNING. */
  startSeconds = 10
  /** Seconds from a stop request to STOPPED (deregistration, SIGTERM, stop timeout). */
  stopSeconds = 5
  /**
   * Seconds the new tasks must stay RUNNING before ECS calls the deployment COMPLETED: a task that crashes
   * soon after starting fails the rollout (and counts toward the circuit breaker) instead of completing it.
   */
  stableSeconds = 30
  /**
   * Seconds from RUNNING until the load balancer's target group health checks pass (healthy threshold ×
   * interval). Until then a task of a service with a load balancer does not count as healthy.
   */
  healthCheckSeconds = 15
  /** CodeDeploy: seconds each lifecycle hook takes. */
  hookSeconds = 5
  /** ECS-native deployments: how Lambda lifecycle hooks answer (default: SUCCEEDED after lambdaHookSeconds). */
  hookRules: HookRule[] = []
  lambdaHookSeconds = 5

  /** The failure of the next task launched for `target`, and the rule's image match (which container). */
  failureFor(target: MatchTarget): { how: TaskFailure; image?: string | RegExp } | undefined {
    for (const rule of this.failures) {
      if (rule.times !== undefined && rule.used >= rule.times) continue
      if (!matches(rule.match, target)) continue
      rule.used++
      return rule.match.image === undefined ? { how: rule.how } : { how: rule.how, image: rule.match.image }
    }
    return undefined
  }

  /** The script of a task launched for `target`: the last rule added that matches. */
  scriptFor(target: MatchTarget): TaskScript | undefined {
    return [...this.scripts].reverse().find(rule => matches(rule.match, target))?.script
  }

  placementFailure(target: MatchTarget): PlacementRule | undefined {
    return this.placement.find(rule => matches(rule.match, target))
  }

  clear(): void {
    this.failures = []
    this.placement = []
    this.scripts = []
    this.hookRules = []
  }
}
