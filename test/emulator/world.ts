import type { SimClock } from './clock.js'
import { Rng } from './util.js'

/** What every emulated service shares: identity, the clock and the seeded random source. */
export class World {
  readonly rng: Rng

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly clock: SimClock,
    seed: number
  ) {
    this.rng = new Rng(seed)
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.accountId}:${resource}`
  }

  now(): number {
    return this.clock.now()
  }
}
