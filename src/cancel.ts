/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that. The first
 * signal aborts the step's AbortSignal (sleeps and polls wake, the command reports `cancelled`); a later one
 * only hurries: if the report is still not written `graceMs` after it, `onStuck` writes what it can.
 */
export interface Cancellation {
  readonly signal: AbortSignal
  /** The report is written: a late signal has nothing left to save. */
  reported(): void
  dispose(): void
}

export interface CancelOptions {
  readonly say: (message: string) => void
  readonly onStuck: (signal: string) => void
  readonly graceMs?: number
  readonly signals?: readonly NodeJS.Signals[]
  readonly target?: Pick<NodeJS.Process, 'on' | 'off'>
}

export function cancelOnSignals(options: CancelOptions): Cancellation {
  const controller = new AbortController()
  const target = options.target ?? process
  const signals = options.signals ?? ['SIGINT', 'SIGTERM']
  let done = false
  let timer: NodeJS.Timeout | undefined
  const handler = (name: NodeJS.Signals) => {
    if (done) return
    if (!controller.signal.aborted) {
      options.say(`received ${name}: cancelling; reporting the deployment's state first`)
      controller.abort(name)
      return
    }
    options.say(`received ${name} again: still writing the report`)
    timer ??= setTimeout(() => {
      if (!done) options.onStuck(name)
    }, options.graceMs ?? 1500)
  }
  for (const s of signals) target.on(s, handler)
  return {
    signal: controller.signal,
    reported: () => {
      done = true
    },
    dispose: () => {
      done = true
      if (timer !== undefined) clearTimeout(timer)
      for (const s of signals) target.off(s, handler)
    }
  }
}
