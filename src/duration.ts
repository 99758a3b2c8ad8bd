const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
}

/**
 * Parses a Go duration (`90s`, `10m`, `1h30m`, `10m0s`, `1.5h`, `.5h`), as ecspresso's `timeout` is
 * written and Go's time.ParseDuration reads it, into milliseconds. Every number needs a unit (Go accepts a
 * bare `0` only): a bare `600` is undefined, since `wait-for-minutes: 10` habits make `timeout: 10` a trap.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  const sign = /^[-+]/.test(trimmed) ? trimmed[0] : ''
  const body = sign ? trimmed.slice(1) : trimmed
  if (body === '0') return 0
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y
  let total = 0
  let matched = 0
  while (part.lastIndex < body.length) {
    const start = part.lastIndex
    const m = part.exec(body)
    if (!m || m.index !== start) return undefined
    total += Number(m[1]) * UNIT_MS[m[2]!]!
    matched++
  }
  if (matched === 0) return undefined
  return sign === '-' ? -total : total
}

/** True for a number without a unit (`600`, `10`, `1.5`): a duration missing its unit. */
export function isBareNumber(text: string): boolean {
  return /^\d+(\.\d*)?$|^\.\d+$/.test(text.trim())
}

/**
 * The hint for a duration that does not parse; a bare number gets both readings of it, and the aws-actions
 * habit (`wait-for-minutes: 10` is `10m`).
 */
export function durationHint(text: string, example = 'write it like 90s, 10m or 1h30m'): string {
  const value = text.trim()
  if (!isBareNumber(value)) return example
  const n = Number(value)
  if (n >= 60 && Number.isInteger(n / 60))
    return `a duration needs a unit: ${value}s or ${n / 60}m for ${value} seconds (aws-actions' wait-for-minutes: ${value} would be ${value}m)`
  return `a duration needs a unit: ${value}s for ${value} seconds, or ${value}m for ${value} minutes (aws-actions' wait-for-minutes: ${value} is ${value}m)`
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  if (minutes < 60) return rest ? `${minutes}m${rest}s` : `${minutes}m`
  const hours = Math.floor(minutes / 60)
  return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`
}
