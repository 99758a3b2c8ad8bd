// Differential test: our image reference parser against github.com/distribution/reference, the grammar's
// reference implementation (what Docker, containerd and the ECS agent parse `image` with). Built once with Go
// into .cache/; skipped where Go or the module cannot be had, like the ecspresso conformance test.
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parseImageReference } from '../../src/definitions/reference.js'
import { askGoOracle, buildGoProgram } from '../../test/go/build.js'
import { repoRoot } from '../helpers/run-action.js'

const source = join(repoRoot, '__tests__', 'definitions', 'reference-go')

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

const hex = (n: number, digits = '0123456789abcdef') =>
  Array.from({ length: n }, (_, i) => digits[i % 16]).join('')

/** References assembled from valid and broken pieces, plus character soup, plus the unit tests' cases. */
function inputs(): string[] {
  const next = rng(7)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  // Each part is valid three times in four, so both outcomes are common.
  const part = (valid: readonly string[], broken: readonly string[]) =>
    next() < 0.75 ? pick(valid) : pick(broken)
  const domains = {
    valid: [
      '',
      '',
      '',
      'localhost',
      'localhost:5000',
      'a.b',
      'A.b',
      'a-b.c',
      '192.168.1.1:5000',
      '[::1]',
      '[2001:db8::1]:5000',
      'xn--n3h.com',
      'public.ecr.aws',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      'Registry.Example.com:443'
    ],
    broken: ['-a.b', 'a..b', 'a.b-', '[fe80::1%eth0]', 'a:b', 'a.b:', 'a_b.com']
  }
  const paths = {
    valid: [
      'a',
      'a/b',
      'a_b',
      'a__b',
      'a-b',
      'a--b',
      'a.b',
      '0',
      'nginx/nginx',
      'web',
      'a/b/c/d',
      'x'.repeat(255)
    ],
    broken: ['A', 'aB', 'a___b', 'a..b', '_a', 'a_', 'a-', 'a//b', 'a.-b', 'x'.repeat(256)]
  }
  const tags = {
    valid: ['', '', 'v1', 'V1', '_v', 'v.1-2_3', 'a'.repeat(128)],
    broken: ['.v', '-v', 'tag=x', 'a'.repeat(129), ':', 'a:b']
  }
  const digests = {
    valid: ['', '', '', `sha256:${hex(64)}`, `sha512:${hex(128)}`, `sha384:${hex(96)}`],
    broken: [
      `sha256:${hex(63)}`,
      `sha256:${hex(64, '0123456789ABCDEF')}`,
      `md5:${hex(32)}`,
      'sha256:',
      `sha256+b64:${hex(64)}`,
      `Sha256:${hex(64)}`,
      `sha256:${hex(31)}`,
      'sha256:=abc'
    ]
  }
  const out: string[] = []
  for (let i = 0; i < 3000; i++) {
    const domain = part(domains.valid, domains.broken)
    const tag = part(tags.valid, tags.broken)
    const digest = part(digests.valid, digests.broken)
    const path = part(paths.valid, paths.broken)
    out.push(
      `${domain}${domain === '' ? '' : '/'}${path}${tag === '' ? '' : `:${tag}`}${digest === '' ? '' : `@${digest}`}`
    )
  }
  const alphabet = 'aA0._-/:@[]%=f '
  for (let i = 0; i < 2000; i++) {
    const length = 1 + Math.floor(next() * 16)
    out.push(Array.from({ length }, () => pick([...alphabet])).join(''))
  }
  out.push(
    'nginx',
    'repo/web:tag=evil',
    'repo/web@sha256:=abc',
    'repo/web\u0000:v1',
    `${'a/'.repeat(127)}a:tag`,
    `${'a/'.repeat(128)}a:tag`,
    'Uppercase/lowercase:tag',
    'test:5000/Uppercase/lowercase:tag',
    ''
  )
  return [...new Set(out)]
}

describe('image references, against github.com/distribution/reference', () => {
  const built = buildGoProgram(source, 'parse-reference')
  const test = built.ok || !built.skip ? it : it.skip
  if (!built.ok && built.skip) console.warn(`skipping the differential reference test: ${built.reason}`)

  test('accepts and refuses the same references', () => {
    if (!built.ok) throw new Error(built.reason)
    const cases = inputs()
    const theirs = askGoOracle(built.binary, cases)
    expect(theirs).toHaveLength(cases.length)
    const mismatches = cases
      .map((image, i) => ({ image, go: theirs[i]!, ours: parseImageReference(image) }))
      .filter(({ go, ours }) => (go === 'ok') !== ours.ok)
      .map(
        ({ image, go, ours }) =>
          `${JSON.stringify(image)}: go says ${go}, we say ${ours.ok ? 'ok' : ours.reason}`
      )
    expect(mismatches.slice(0, 20)).toEqual([])
    // Both outcomes are well represented, so the comparison means something.
    expect(theirs.filter(r => r === 'ok').length).toBeGreaterThan(500)
    expect(theirs.filter(r => r !== 'ok').length).toBeGreaterThan(500)
  })
})
