// Differential test: the required_version port against github.com/hashicorp/go-version v1.9.0 itself, the
// library ecspresso checks required_version with. Built once with Go into .cache/; skipped where Go or the
// module cannot be had, like the image reference differential test.
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  compareVersions,
  parseConstraints,
  parseVersion,
  satisfies,
  type Constraint,
  type Version
} from '../../src/config/go-version.js'
import { askGoOracle, buildGoProgram } from '../../test/go/build.js'
import { repoRoot } from '../helpers/run-action.js'

const source = join(repoRoot, '__tests__', 'config', 'go-version-go')

/** mulberry32, so the generated inputs are the same on every run. */
function rng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Versions and constraints from valid and odd pieces: prereleases, metadata, v prefixes, 1 to 5 segments. */
function inputs(): [string, string, string][] {
  const next = rng(11)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const segment = () => pick(['0', '1', '2', '3', '8', '10', '01', '007', '0', '1', '2'])
  const pre = () =>
    next() < 0.6
      ? ''
      : pick([
          '-alpha',
          '-beta.2',
          '-beta.11',
          '-rc.1',
          '-1',
          '-alpha.1.b',
          'rc2',
          '-',
          '-x.-1',
          '-01',
          '-a~b',
          '-2'
        ])
  const meta = () => (next() < 0.8 ? '' : pick(['+meta', '+1.2', '+a-b']))
  const odd = () =>
    next() < 0.99 ? '' : pick(['x', '.', '99999999999999999999', '..1', ' ', '\u00a0', '\v'])
  const version = () => {
    const segments = Array.from({ length: 1 + Math.floor(next() * 4) }, segment).join('.')
    return `${pick(['', '', 'v'])}${segments}${pre()}${meta()}${odd()}`
  }
  const space = () =>
    pick(['', '', ' ', '  ', '\t', next() < 0.05 ? '\v' : '', next() < 0.05 ? '\u00a0' : ''])
  const operator = () =>
    pick([
      '',
      '=',
      '!=',
      '>',
      '<',
      '>=',
      '<=',
      '~>',
      '~>',
      '~>',
      next() < 0.1 ? pick(['=>', '^', '~', '==']) : '>='
    ])
  const single = () => `${space()}${operator()}${space()}${version()}${space()}`
  const out: [string, string, string][] = []
  for (let i = 0; i < 20_000; i++) {
    const constraint = Array.from({ length: 1 + Math.floor(next() * 2) }, single).join(pick([',', ',', ',,']))
    out.push([constraint, version(), version()])
  }
  // The forms ecspresso users write, against the version the action declares.
  for (const c of [
    '>= 2.0.0',
    '~> 2.8',
    '~> 2.8.8',
    '>= 2.0, < 3',
    '!= 2.8.7',
    'v2.8.7',
    '~> 2',
    '> 2.8.7-rc1'
  ])
    out.push([c, '2.8.7', 'v2.8.7'])
  return out
}

function ours([constraint, version, other]: [string, string, string]): string {
  const parse = <T>(f: () => T): T | undefined => {
    try {
      return f()
    } catch {
      return undefined
    }
  }
  const v: Version | undefined = parse(() => parseVersion(version))
  const cs: Constraint[] | undefined = parse(() => parseConstraints(constraint))
  const o: Version | undefined = parse(() => parseVersion(other))
  const check =
    cs === undefined
      ? 'malformed-constraint'
      : v === undefined
        ? 'malformed-version'
        : String(satisfies(cs, v))
  const compare = v === undefined || o === undefined ? 'malformed-version' : String(compareVersions(v, o))
  return `${check} ${compare}`
}

describe('required_version, against github.com/hashicorp/go-version v1.9.0', () => {
  const built = buildGoProgram(source, 'check-version')
  const test = built.ok || !built.skip ? it : it.skip
  if (!built.ok && built.skip) console.warn(`skipping the go-version differential test: ${built.reason}`)

  test('parses, checks and compares as go-version does', () => {
    if (!built.ok) throw new Error(built.reason)
    const cases = inputs()
    const theirs = askGoOracle(built.binary, cases)
    expect(theirs).toHaveLength(cases.length)
    const mismatches = cases
      .map((c, i) => ({ c, go: theirs[i]!, us: ours(c) }))
      .filter(({ go, us }) => go !== us)
      .map(({ c, go, us }) => `${JSON.stringify(c)}: go says ${go}, we say ${us}`)
    expect(mismatches.slice(0, 20)).toEqual([])
    // Every outcome is well represented, so the comparison means something.
    const count = (prefix: string) => theirs.filter(r => r.startsWith(prefix)).length
    expect(count('true ')).toBeGreaterThan(500)
    expect(count('false ')).toBeGreaterThan(2000)
    expect(count('malformed-constraint ')).toBeGreaterThan(500)
    expect(theirs.filter(r => / -1$/.test(r)).length).toBeGreaterThan(1000)
    expect(theirs.filter(r => / 0$/.test(r)).length).toBeGreaterThan(100)
  })
})
