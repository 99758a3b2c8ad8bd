/**
 * hashicorp/go-version v1.9.0 (the library ecspresso checks `required_version` with), ported rule for rule:
 * its version grammar, its ordering (prereleases included), and its constraint syntax (`>= 1.2, < 2`,
 * `~> 2.3`, `!= 2.1.0`, `v` prefixes). Quirks are kept on purpose: the result must be ecspresso's.
 */

/** go-version's VersionRegexpRaw. Go's RE2 picks the same leftmost-first match as JS for these anchored forms. */
const VERSION =
  String.raw`v?([0-9]+(\.[0-9]+)*?)` +
  String.raw`(-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)|(-?([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)))?` +
  String.raw`(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))?` +
  '?'
const VERSION_RE = new RegExp(`^${VERSION}$`)
/** Go's `\s` is ASCII only: tab, newline, form feed, carriage return, space (no vertical tab, no Unicode). */
const SPACE = '[\\t\\n\\f\\r ]'
const CONSTRAINT_RE = new RegExp(`^${SPACE}*(<=|>=|!=|~>|<|>|=|)${SPACE}*(${VERSION})${SPACE}*$`)

const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)

export interface Version {
  /** Numeric segments, padded with zeros to at least three. */
  readonly segments: readonly bigint[]
  /** How many segments the text gave (before padding). */
  readonly given: number
  readonly pre: string
  readonly metadata: string
  readonly original: string
}

export class GoVersionError extends Error {}

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, in int64 range; else undefined. */
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined
  const value = BigInt(text)
  return value > INT64_MAX || value < INT64_MIN ? undefined : value
}

/** version.NewVersion. */
export function parseVersion(text: string): Version {
  const m = VERSION_RE.exec(text)
  if (!m) throw new GoVersionError(`malformed version: ${text}`)
  const parts = m[1]!.split('.')
  const segments = parts.map(part => {
    const value = parseInt64(part)
    if (value === undefined)
      throw new GoVersionError(
        `error parsing version: strconv.ParseInt: parsing "${part}": value out of range`
      )
    return value
  })
  while (segments.length < 3) segments.push(0n)
  return { segments, given: parts.length, pre: m[7] || m[4] || '', metadata: m[10] ?? '', original: text }
}

/** Version.String: canonical segments, then `-pre` and `+metadata`. */
export function versionString(v: Version): string {
  return v.segments.join('.') + (v.pre ? `-${v.pre}` : '') + (v.metadata ? `+${v.metadata}` : '')
}

function equalSegments(a: Version, b: Version): boolean {
  return a.segments.length === b.segments.length && a.segments.every((s, i) => s === b.segments[i])
}

/** Version.Compare: -1, 0 or 1. */
export function compareVersions(a: Version, b: Version): number {
  if (versionString(a) === versionString(b)) return 0
  if (equalSegments(a, b)) {
    if (a.pre === '' && b.pre === '') return 0
    if (a.pre === '') return 1
    if (b.pre === '') return -1
    return comparePrereleases(a.pre, b.pre)
  }
  const longest = Math.max(a.segments.length, b.segments.length)
  for (let i = 0; i < longest; i++) {
    // A shorter version equals a longer one whose remaining segments are all zero (1.2 = 1.2.0.0).
    if (i > a.segments.length - 1) return b.segments.slice(i).every(s => s === 0n) ? 0 : -1
    if (i > b.segments.length - 1) return a.segments.slice(i).every(s => s === 0n) ? 0 : 1
    const x = a.segments[i]!
    const y = b.segments[i]!
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

function comparePart(self: string, other: string): number {
  if (self === other) return 0
  const selfInt = parseInt64(self)
  const otherInt = parseInt64(other)
  if (self === '') return otherInt !== undefined ? -1 : 1
  if (other === '') return selfInt !== undefined ? 1 : -1
  if (selfInt !== undefined && otherInt === undefined) return -1
  if (selfInt === undefined && otherInt !== undefined) return 1
  // Go compares the strings by bytes; every prerelease character is ASCII, so UTF-16 order is the same.
  if (selfInt === undefined && otherInt === undefined && self > other) return 1
  if (selfInt !== undefined && otherInt !== undefined && selfInt > otherInt) return 1
  return -1
}

function comparePrereleases(self: string, other: string): number {
  if (self === other) return 0
  const a = self.split('.')
  const b = other.split('.')
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const result = comparePart(a[i] ?? '', b[i] ?? '')
    if (result !== 0) return result
  }
  return 0
}

type Operator = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~>'

export interface Constraint {
  readonly operator: Operator
  readonly version: Version
  /** The text of this one constraint, as written (go-version's String()). */
  readonly original: string
}

/** version.NewConstraint: comma-separated constraints, all of which must hold. */
export function parseConstraints(text: string): Constraint[] {
  return text.split(',').map(single => {
    const m = CONSTRAINT_RE.exec(single)
    if (!m) throw new GoVersionError(`malformed constraint: ${single}`)
    const operator = (m[1] === '' ? '=' : m[1]) as Operator
    return { operator, version: parseVersion(m[2]!), original: single }
  })
}

/** A constraint with a prerelease matches only prereleases of its own segments; one without, no prerelease. */
function prereleaseCheck(v: Version, c: Version): boolean {
  const vPre = v.pre !== ''
  const cPre = c.pre !== ''
  if (cPre && vPre) return equalSegments(v, c)
  if (!cPre && vPre) return false
  return true
}

function pessimistic(v: Version, c: Version): boolean {
  if (!prereleaseCheck(v, c) || (c.pre !== '' && v.pre === '')) return false
  if (compareVersions(v, c) < 0) return false
  const cs = c.segments.length
  if (cs > v.segments.length) return false
  for (let i = 0; i < c.given - 1; i++) if (v.segments[i] !== c.segments[i]) return false
  return !(c.segments[cs - 1]! > v.segments[cs - 1]!)
}

export function checkConstraint(c: Constraint, v: Version): boolean {
  const cmp = (): number => compareVersions(v, c.version)
  switch (c.operator) {
    case '=':
      return cmp() === 0
    case '!=':
      return cmp() !== 0
    case '>':
      return prereleaseCheck(v, c.version) && cmp() === 1
    case '<':
      return prereleaseCheck(v, c.version) && cmp() === -1
    case '>=':
      return prereleaseCheck(v, c.version) && cmp() >= 0
    case '<=':
      return prereleaseCheck(v, c.version) && cmp() <= 0
    case '~>':
      return pessimistic(v, c.version)
  }
}

/** Constraints.Check: every constraint holds. */
export function satisfies(constraints: readonly Constraint[], v: Version): boolean {
  return constraints.every(c => checkConstraint(c, v))
}
