// Budgets for the rolling watch's poll schedule, computed from the real schedule over a virtual 30 minutes:
// how many DescribeServices calls a 30-minute rollout costs, and how long a change can go unseen.
import { describe, it } from '@jest/globals'
import { POLL_SCHEDULE, pollPlanner } from '../../src/ecs/watch.js'
import { expect } from '../helpers/expect.js'

const MINUTE = 60_000
const ROLLOUT_MS = 30 * MINUTE
/** Budget: DescribeServices + DescribeServiceDeployments over a 30-minute rollout. */
const CALL_BUDGET = 400
/**
 * Calls besides the polls' DescribeServices: DescribeServiceDeployments on the first poll and when the
 * deployment looks over, and at most one ListServiceDeployments.
 */
const OTHER_CALLS = 3
/** Detection budgets: the worst gap between polls, at any point, and while the rollout moves. */
const WORST_GAP_MS = 10_000
const MOVING_GAP_MS = 3000

/**
 * Polls a virtual rollout whose counts change at `changes` (ms since the watch started) until `endMs`:
 * a poll sees a change when one happened since the poll before it. Returns the poll times.
 */
function simulate(changes: readonly number[], endMs = ROLLOUT_MS): number[] {
  const planner = pollPlanner(0)
  const polls: number[] = []
  let now = 0
  let previous = 0
  let changed = false
  for (;;) {
    now += planner.next(now, changed)
    if (now > endMs) return polls
    changed = changes.some(c => c > previous && c <= now)
    polls.push(now)
    previous = now
  }
}

const every = (periodMs: number) =>
  Array.from({ length: Math.floor(ROLLOUT_MS / periodMs) }, (_, i) => (i + 1) * periodMs)

/** The longest wait from any instant of [0, end] to the next poll. */
function worstGap(polls: readonly number[]): number {
  let worst = 0
  let last = 0
  for (const p of polls) {
    worst = Math.max(worst, p - last)
    last = p
  }
  return worst
}

const shapes: [string, number[]][] = [
  ['stalled for 30 minutes (no change until it completes)', [ROLLOUT_MS]],
  ['a change every minute (one task at a time)', every(MINUTE)],
  ['a change every 30 s', every(30_000)],
  ['a change every 12 s', every(12_000)],
  ['a change every second (never still)', every(1000)]
]

describe('rolling watch poll schedule over a virtual 30-minute rollout', () => {
  it.each(shapes)('%s: within the call budget, no gap longer than the worst-case budget', (_, changes) => {
    const polls = simulate(changes)
    expect(polls.length + OTHER_CALLS).toBeLessThanOrEqual(CALL_BUDGET)
    // The token bucket's own bound, whatever the rollout does.
    expect(polls.length).toBeLessThanOrEqual(
      POLL_SCHEDULE.burst + Math.ceil(ROLLOUT_MS / POLL_SCHEDULE.refillMs)
    )
    expect(worstGap(polls)).toBeLessThanOrEqual(POLL_SCHEDULE.slowMs)
    expect(POLL_SCHEDULE.slowMs).toBeLessThan(WORST_GAP_MS)
  })

  it('stalled: the worst gap holds at every minute of the 30, not only at the start', () => {
    const polls = simulate([ROLLOUT_MS])
    for (let minute = 0; minute < 30; minute++) {
      const from = minute * MINUTE
      const inMinute = [from, ...polls.filter(p => p > from && p <= from + MINUTE)]
      expect(worstGap(inMinute.map(p => p - from)), `minute ${minute}`).toBeLessThanOrEqual(
        POLL_SCHEDULE.slowMs
      )
    }
    // Still: about one call every slowMs, not one every quickMs.
    expect(polls.length).toBeLessThan(ROLLOUT_MS / POLL_SCHEDULE.slowMs + 10)
  })

  /** Gaps between polls within activeForMs after a poll that saw a change, by the time of the poll. */
  function movingGaps(changes: readonly number[]): [number, number][] {
    const gaps: [number, number][] = []
    let last = 0
    let lastSawChange = -Infinity
    for (const p of simulate(changes)) {
      if (p - lastSawChange <= POLL_SCHEDULE.activeForMs) gaps.push([p, p - last])
      if (changes.some(c => c > last && c <= p)) lastSawChange = p
      last = p
    }
    return gaps
  }

  it('a change every minute: after a poll that saw a change, polls come within the moving budget', () => {
    const gaps = movingGaps(every(MINUTE))
    expect(gaps.length).toBeGreaterThan(100)
    for (const [at, gap] of gaps) expect(gap, `poll at ${at} ms`).toBeLessThanOrEqual(POLL_SCHEDULE.quickMs)
    expect(POLL_SCHEDULE.quickMs).toBeLessThan(MOVING_GAP_MS)
  })

  it('a change every 30 s: quick polls while the burst lasts (over 10 minutes), then at the refill rate', () => {
    for (const [at, gap] of movingGaps(every(30_000))) {
      const bound = at <= 10 * MINUTE ? POLL_SCHEDULE.quickMs : POLL_SCHEDULE.refillMs
      expect(gap, `poll at ${at} ms`).toBeLessThanOrEqual(bound)
    }
  })

  it('never still: once the burst is spent, polls slow to the refill rate, never past the worst-case gap', () => {
    const polls = simulate(every(1000))
    const early = polls.filter(p => p <= MINUTE)
    expect(worstGap(early)).toBe(POLL_SCHEDULE.quickMs)
    const late = polls.filter(p => p > 20 * MINUTE)
    const gaps = late.slice(1).map((p, i) => p - late[i]!)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(POLL_SCHEDULE.refillMs)
  })

  it('a fixed interval (tests) is used as given', () => {
    const planner = pollPlanner(0, 100)
    expect([planner.next(0, false), planner.next(5000, true), planner.next(900_000, false)]).toEqual([
      100, 100, 100
    ])
  })
})
