/**
 * The stage timeline of an ECS-native deployment, as data: each lifecycle stage the watch saw (when it began
 * and ended, relative to the step's start) with the hooks that ran there, their last status and who answered.
 * Filled by the watch (and by promote, test-command and rollbacks, which answer hooks); formatted by
 * report/native.ts.
 */

export interface HookSeen {
  readonly hookId: string
  readonly targetType: string
  /** The Lambda function; undefined for PAUSE hooks. */
  readonly target: string | undefined
  readonly stage: string
  readonly timeoutAction: string | undefined
  /** The last status DescribeServiceDeployments showed (AWAITING_ACTION, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT). */
  status: string
  /** Ms since the step started. */
  readonly seenAt: number
  /** When the status last changed. */
  changedAt: number
  /** Who answered a PAUSE hook and how: "this step: CONTINUE (command: promote)", "test-command exited 0". */
  answer: string | undefined
}

export interface StageSpan {
  readonly stage: string
  /** Ms since the step started. */
  readonly startedAt: number
  endedAt: number | undefined
  readonly hooks: HookSeen[]
}

export interface NativeTimeline {
  /** Clock ms the step started: every `at` is relative to it. */
  readonly origin: number
  readonly stages: StageSpan[]
  /** Things said alongside the stages (test-command results, pauses), at ms since the start. */
  readonly notes: { readonly at: number; readonly text: string }[]
}

export function newTimeline(origin: number): NativeTimeline {
  return { origin, stages: [], notes: [] }
}

export function currentSpan(timeline: NativeTimeline): StageSpan | undefined {
  return timeline.stages[timeline.stages.length - 1]
}

export function findHook(timeline: NativeTimeline, hookId: string): HookSeen | undefined {
  for (const span of timeline.stages) {
    const hook = span.hooks.find(h => h.hookId === hookId)
    if (hook !== undefined) return hook
  }
  return undefined
}

/** The hook whose answer made ECS roll back: FAILED, or TIMED_OUT with the ROLLBACK timeout action. */
export function failedHook(timeline: NativeTimeline): HookSeen | undefined {
  const span = currentSpan(timeline)
  return span?.hooks.find(
    h => h.status === 'FAILED' || (h.status === 'TIMED_OUT' && h.timeoutAction !== 'CONTINUE')
  )
}
