const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * Parses a Go-style duration (`90s`, `10m`, `1h30m`, `10m0s`, `1.5h`) into milliseconds, as ecspresso's
 * `timeout` is written. A bare number is seconds. Returns undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y
  let total = 0
  let matched = 0
  while (part.lastIndex < trimmed.length) {
    const start = part.lastIndex
    const m = part.exec(trimmed)
    if (!m || m.index !== start) return undefined
    total += Number(m[1]) * UNIT_MS[m[2]!]!
    matched++
  }
  return matched > 0 ? total : undefined
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
