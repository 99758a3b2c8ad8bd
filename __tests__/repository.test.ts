// The repository's release hygiene, as the model actions keep it: workflow actions pinned by commit SHA with
// the version in a comment, a self-test job that runs the action itself, grouped Dependabot updates, and
// CODEOWNERS on what users run.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { parse } from 'yaml'
import { repoRoot } from './helpers/run-action.js'
import { expect } from './helpers/expect.js'

const workflowsDir = join(repoRoot, '.github', 'workflows')
const workflows = readdirSync(workflowsDir)
  .filter(name => /\.ya?ml$/.test(name))
  .map(name => ({ name, text: readFileSync(join(workflowsDir, name), 'utf8') }))

/** Every `uses:` line of the workflows: what it names and the comment after it. */
function usesLines(): { file: string; line: number; ref: string; comment: string }[] {
  return workflows.flatMap(({ name, text }) =>
    text.split('\n').flatMap((line, i) => {
      const m = /^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)['"]?\s*(?:#\s*(.*))?$/.exec(line)
      return m ? [{ file: name, line: i + 1, ref: m[1]!, comment: (m[2] ?? '').trim() }] : []
    })
  )
}

/** Whether `ref` may run: the action itself, or an action at a full commit SHA with its version said. */
function pinProblem(ref: string, comment: string): string | undefined {
  if (ref.startsWith('./')) return undefined
  if (ref.startsWith('docker://'))
    return /@sha256:[0-9a-f]{64}$/.test(ref) ? undefined : 'a docker image by tag'
  const m = /^[\w.-]+\/[\w./-]+@(.+)$/.exec(ref)
  if (!m) return 'not owner/repo@ref'
  if (!/^[0-9a-f]{40}$/.test(m[1]!)) return `pinned to '${m[1]}', not a full commit SHA`
  if (!/^v\d+(\.\d+){0,2}\b/.test(comment)) return 'no version comment (# vX.Y.Z) after the SHA'
  return undefined
}

describe('workflows', () => {
  it('pin every action by its full commit SHA, with the version in a comment', () => {
    const lines = usesLines()
    expect(lines.length).toBeGreaterThan(0)
    const bad = lines
      .map(l => ({ ...l, problem: pinProblem(l.ref, l.comment) }))
      .filter(l => l.problem !== undefined)
      .map(l => `${l.file}:${l.line}: ${l.ref}: ${l.problem}`)
    expect(bad).toEqual([])
  })

  it('the pin check refuses tags, branches, short SHAs and a SHA without its version', () => {
    const sha = '08c6903cd8c0fde910a37f88322edcfb5dd907a8'
    expect(pinProblem(`actions/checkout@${sha}`, 'v5.0.0')).toBeUndefined()
    expect(pinProblem('./', '')).toBeUndefined()
    expect(pinProblem('actions/checkout@v5', '')).toMatch(/not a full commit SHA/)
    expect(pinProblem('actions/checkout@main', '')).toMatch(/not a full commit SHA/)
    expect(pinProblem(`actions/checkout@${sha.slice(0, 12)}`, 'v5.0.0')).toMatch(/not a full commit SHA/)
    expect(pinProblem(`actions/checkout@${sha}`, '')).toMatch(/no version comment/)
    expect(pinProblem('docker://alpine:3', '')).toBe('a docker image by tag')
  })

  it('a self-test job runs the action itself (uses: ./) against the emulator: a dry run and a deploy', () => {
    const ci = parse(readFileSync(join(workflowsDir, 'ci.yml'), 'utf8')) as {
      jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, string> }[] }>
    }
    const job = Object.values(ci.jobs).find(j => j.steps.some(s => s.uses === './'))!
    expect(job).toBeDefined()
    const runs = job.steps.map(s => s.run ?? '').join('\n')
    expect(runs).toMatch(/npm run --silent emulator -- --seed \S+/)
    expect(runs).toContain('AWS_ENDPOINT_URL=')
    const own = job.steps.filter(s => s.uses === './').map(s => s.with ?? {})
    expect(own.some(w => w.command === 'diff' || w['dry-run'] === 'true')).toBe(true)
    expect(own.some(w => (w.command ?? 'deploy') === 'deploy' && w['dry-run'] !== 'true')).toBe(true)
    // The seed it starts the emulator with is in the repository.
    const seed = /--seed (\S+)/.exec(runs)![1]!
    expect(JSON.parse(readFileSync(join(repoRoot, seed), 'utf8'))).toHaveProperty('clusters')
  })
})

describe('Dependabot and CODEOWNERS', () => {
  it('groups npm updates (aws-sdk, actions, dev) and updates the workflow actions', () => {
    const config = parse(readFileSync(join(repoRoot, '.github', 'dependabot.yml'), 'utf8')) as {
      updates: { 'package-ecosystem': string; groups?: Record<string, unknown> }[]
    }
    const npm = config.updates.find(u => u['package-ecosystem'] === 'npm')!
    expect(Object.keys(npm.groups ?? {})).toEqual(['aws-sdk', 'actions', 'dev'])
    expect(config.updates.map(u => u['package-ecosystem'])).toContain('github-actions')
  })

  it('CODEOWNERS covers action.yml, dist/ and .github/', () => {
    const owned = readFileSync(join(repoRoot, '.github', 'CODEOWNERS'), 'utf8')
      .split('\n')
      .filter(l => l.trim() !== '' && !l.startsWith('#'))
      .map(l => l.trim().split(/\s+/))
    for (const path of ['/action.yml', '/dist/', '/.github/']) {
      const rule = owned.find(r => r[0] === path)
      expect(rule?.slice(1).length ?? 0).toBeGreaterThan(0)
    }
  })
})
