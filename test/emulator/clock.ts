/**
 * The emulator's clock. The simulation moves in fixed ticks; it is brought up to `now()` lazily, before each
 * request and whenever a test advances the clock, so a virtual 10-minute rollout costs 600 small steps.
 */
export type ClockOptions =
  { mode: 'virtual'; start?: number } | { mode: 'real'; speed?: number; start?: number }

export const TICK_MS = 1000

export interface Clock {
  /** Virtual milliseconds since the epoch. */
  now(): number
  /** Moves virtual time forward by `ms` and runs the simulation up to the new time. */
  advance(ms: number): Promise<void>
}

export class SimClock implements Clock {
  private readonly mode: 'virtual' | 'real'
  private readonly speed: number
  private readonly realStart: number
  private readonly virtualStart: number
  private offset = 0
  private nextTick: number
  private stepping = false

  constructor(
    options: ClockOptions,
    private readonly step: (time: number) => void
  ) {
    this.mode = options.mode
    this.speed = options.mode === 'real' ? (options.speed ?? 1) : 1
    this.realStart = Date.now()
    // Virtual runs start at a fixed instant so ids, timestamps and snapshots repeat run after run.
    this.virtualStart = options.start ?? (options.mode === 'virtual' ? Date.UTC(2025, 0, 1) : this.realStart)
    this.nextTick = this.virtualStart + TICK_MS
  }

  now(): number {
    if (this.mode === 'virtual') return this.virtualStart + this.offset
    return Math.floor(this.virtualStart + (Date.now() - this.realStart) * this.speed + this.offset)
  }

  /** Runs every tick due up to now. */
  sync(): void {
    if (this.stepping) return
    this.stepping = true
    try {
      const now = this.now()
      while (this.nextTick <= now) {
        const time = this.nextTick
        this.nextTick += TICK_MS
        this.step(time)
      }
    } finally {
      this.stepping = false
    }
  }

  async advance(ms: number): Promise<void> {
    if (ms < 0) throw new Error('the clock only moves forward')
    this.offset += ms
    this.sync()
    // Let any request already in flight see the new state before the caller continues.
    await new Promise(resolve => setImmediate(resolve))
  }
}
