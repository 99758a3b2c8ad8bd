/**
 * When several services deploy in one step, the first write of each waits here: until every service has
 * finished its read-only checks (so one bad service means no write to any), then for one of `max-parallel`
 * slots. `on-failure: stop` closes the gate: deploys that have not written yet never start.
 */

/** Thrown at a service's first write when it is not to start; nothing of that service was written. */
export class NotStarted extends Error {
  constructor(
    message: string,
    /** `checks`: another service failed its checks; `stopped`: on-failure stopped new deploys. */
    readonly why: 'checks' | 'stopped'
  ) {
    super(message)
    this.name = 'NotStarted'
  }
}

type State = 'checking' | 'waiting' | 'writing' | 'done'

export class DeployGate {
  private readonly states: State[]
  private readonly entries = new Map<number, Promise<void>>()
  private readonly failedChecks = new Set<number>()
  private readonly barrier = { open: false, failed: false }
  private free: number
  private readonly queue: { index: number; resolve: () => void; reject: (e: Error) => void }[] = []
  private stopped: string | undefined
  private readonly entered = new Set<number>()

  constructor(
    private readonly names: readonly string[],
    maxParallel: number
  ) {
    this.states = names.map(() => 'checking')
    this.free = Math.max(1, maxParallel)
  }

  /** Service `index` is about to write: resolves when it may (at once after the first time). */
  beforeWrite(index: number): Promise<void> {
    let entry = this.entries.get(index)
    if (!entry) {
      entry = this.enter(index)
      this.entries.set(index, entry)
    }
    return entry
  }

  /** Whether every service has passed its checks (writes may have started). */
  isOpen(): boolean {
    return this.barrier.open
  }

  /** Whether service `index` got past the gate (and so may have written). */
  started(index: number): boolean {
    return this.entered.has(index)
  }

  private async enter(index: number): Promise<void> {
    this.states[index] = 'waiting'
    const turn = new Promise<void>((resolve, reject) => {
      this.queue.push({ index, resolve, reject })
      this.queue.sort((a, b) => a.index - b.index)
    })
    this.settle()
    await turn
    this.states[index] = 'writing'
    this.entered.add(index)
  }

  /** Service `index` has ended; `failedChecks` when it failed before any write of its own. */
  done(index: number, failedChecks: boolean): void {
    const held = this.states[index] === 'writing'
    this.states[index] = 'done'
    if (failedChecks && !this.barrier.open) this.failedChecks.add(index)
    if (held) this.free++
    this.settle()
    this.admit()
  }

  /** No deploy that has not written yet starts; the running ones finish. */
  stop(reason: string): void {
    this.stopped ??= reason
    for (const waiting of this.queue.splice(0)) waiting.reject(new NotStarted(reason, 'stopped'))
  }

  /** Slots go to the waiting services in config order, whoever finished its checks first. */
  private admit(): void {
    if (!this.barrier.open || this.stopped !== undefined) return
    while (this.free > 0 && this.queue.length > 0) {
      this.free--
      this.queue.shift()!.resolve()
    }
  }

  private settle(): void {
    if (this.barrier.open || this.barrier.failed) return
    if (this.failedChecks.size > 0) {
      if (this.states.some(s => s === 'checking')) return
      this.barrier.failed = true
      const failed = [...this.failedChecks].map(i => this.names[i]).join(', ')
      for (const waiting of this.queue.splice(0))
        waiting.reject(new NotStarted(`not started: ${failed} failed its checks`, 'checks'))
      return
    }
    if (this.states.every(s => s === 'waiting' || s === 'done')) {
      this.barrier.open = true
      this.admit()
    }
  }
}
