/**
 * A line every 30 s of the clock while a watch waits, so a slow rollout (tasks that take 45 s to start) never
 * leaves the log silent: the counts, how long it has waited, and how long is left before the timeout.
 */
import type { Deployment } from '@aws-sdk/client-ecs'
import type { Clock } from '../clock.js'
import { formatDuration } from '../duration.js'

export const HEARTBEAT_EVERY_MS = 30_000

export interface HeartbeatCounts {
  readonly running: number
  readonly pending: number
  readonly desired: number
  /** A word on the state (rollout state, CodeDeploy status), when there is one. */
  readonly state?: string | undefined
}

export interface Heartbeat {
  /** Called after each poll: prints a line when a 30 s mark has passed since the last one. */
  tick(counts: HeartbeatCounts | undefined): void
}

export interface HeartbeatOptions {
  readonly clock: Clock
  readonly print: (line: string) => void
  /** When the wait started, and when it gives up (clock ms). */
  readonly started: number
  readonly deadline: number
  /** What is being waited for: `deployment ecs-svc/123`. */
  readonly what: string
  readonly everyMs?: number | undefined
}

export function heartbeat(options: HeartbeatOptions): Heartbeat {
  const every = options.everyMs ?? HEARTBEAT_EVERY_MS
  let next = options.started + every
  return {
    tick(counts) {
      const now = options.clock.now()
      if (now < next) return
      // On the 30 s marks of the clock, however the polls fall; a long gap between polls prints one line.
      while (next <= now) next += every
      options.print(heartbeatLine(now - options.started, options.deadline - now, options.what, counts))
    }
  }
}

/** `still waiting for deployment x: running 0, pending 2, desired 2 (IN_PROGRESS); waited 1m, 4m left of the 5m timeout` */
export function heartbeatLine(
  elapsedMs: number,
  leftMs: number,
  what: string,
  counts: HeartbeatCounts | undefined
): string {
  const state = counts?.state ? ` (${counts.state})` : ''
  const tasks =
    counts === undefined
      ? ''
      : `: running ${counts.running}, pending ${counts.pending}, desired ${counts.desired}${state}`
  const left = Math.max(0, leftMs)
  return `still waiting for ${what}${tasks}; waited ${formatDuration(elapsedMs)}, ${formatDuration(left)} left of the ${formatDuration(elapsedMs + left)} timeout`
}

/** The counts of an ECS deployment, for the heartbeat. */
export function deploymentCounts(d: Deployment): HeartbeatCounts {
  return {
    running: d.runningCount ?? 0,
    pending: d.pendingCount ?? 0,
    desired: d.desiredCount ?? 0,
    state: d.rolloutState
  }
}
