// scripts/release.mjs in a scratch repository: its checks (clean tree, fresh dist/, a changelog section, a
// new tag), its dry run (tags and pushes nothing), and a real run that moves the major tag and pushes only
// when asked.
import { spawnSync } from 'node:child_process'
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, it } from '@jest/globals'
import { repoRoot } from './helpers/run-action.js'
import { expect } from './helpers/expect.js'

const script = join(repoRoot, 'scripts', 'release.mjs')
let repo: string
let remote: string

function sh(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

function release(args: string[], build = 'true') {
  const r = spawnSync(process.execPath, [script, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, RELEASE_BUILD_COMMAND: build }
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const tags = (cwd: string) => sh(cwd, 'tag', '-l').split('\n').filter(Boolean)

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), 'release-test-'))
  remote = join(base, 'remote.git')
  repo = join(base, 'repo')
  spawnSync('git', ['init', '-q', '--bare', remote])
  await mkdir(join(repo, 'dist'), { recursive: true })
  sh(repo, 'init', '-q')
  sh(repo, 'config', 'user.email', 'release@example.com')
  sh(repo, 'config', 'user.name', 'Release Test')
  sh(repo, 'config', 'commit.gpgsign', 'false')
  sh(repo, 'config', 'tag.gpgsign', 'false')
  sh(repo, 'remote', 'add', 'origin', remote)
  await writeFile(join(repo, 'dist', 'index.js'), 'console.log(1)\n')
  await writeFile(join(repo, 'CHANGELOG.md'), '# Changelog\n\n## 1.2.3\n\n- first\n')
  sh(repo, 'add', '.')
  sh(repo, 'commit', '-qm', 'first')
})

describe('scripts/release.mjs', () => {
  it('dry run: checks, says it would tag v1.2.3 and move v1, and tags or pushes nothing', () => {
    const run = release(['1.2.3', '--dry-run'])
    expect(run.code, run.err).toBe(0)
    const head = sh(repo, 'rev-parse', 'HEAD')
    expect(run.out).toContain(`would run: git tag -a v1.2.3 -m v1.2.3 ${head}`)
    expect(run.out).toContain(`would run: git tag -f -a v1 -m v1 → v1.2.3 ${head}`)
    expect(run.out).toContain('v1 is created')
    expect(run.out).toContain('dry run, nothing was tagged or pushed')
    expect(run.out).not.toContain('git push')
    expect(tags(repo)).toEqual([])
  })

  it('refuses a dirty tree, a stale dist/, a version without a changelog section, and a bad version', async () => {
    await writeFile(join(repo, 'notes.txt'), 'wip\n')
    expect(release(['1.2.3', '--dry-run']).err).toContain('uncommitted changes')
    sh(repo, 'add', '.')
    sh(repo, 'commit', '-qm', 'notes')

    const stale = release(['1.2.3', '--dry-run'], 'echo rebuilt > dist/index.js')
    expect(stale.code).toBe(1)
    expect(stale.err).toContain('dist/ is stale')
    // The dry run leaves the tree as it was.
    expect(sh(repo, 'status', '--porcelain')).toBe('')

    expect(release(['1.3.0', '--dry-run']).err).toContain('CHANGELOG.md has no section for 1.3.0')
    expect(release(['v1.2', '--dry-run']).err).toContain("'v1.2' is not a version")
    expect(tags(repo)).toEqual([])
  })

  it('tags locally without --push; with --push it moves v1 on the remote to the new release', async () => {
    const first = release(['1.2.3'])
    expect(first.code, first.err).toBe(0)
    expect(first.out).toContain('not pushed')
    expect(tags(repo)).toEqual(['v1', 'v1.2.3'])
    expect(tags(remote)).toEqual([])
    expect(release(['1.2.3']).err).toContain('tag v1.2.3 exists already')

    await writeFile(
      join(repo, 'CHANGELOG.md'),
      '# Changelog\n\n## 1.2.4\n\n- second\n\n## 1.2.3\n\n- first\n'
    )
    sh(repo, 'commit', '-qam', 'second')
    const second = release(['1.2.4', '--push'])
    expect(second.code, second.err).toBe(0)
    const head = sh(repo, 'rev-parse', 'HEAD')
    expect(second.out).toContain(`v1 moves from ${sh(repo, 'rev-list', '-n', '1', 'v1.2.3')}`)
    expect(sh(remote, 'rev-list', '-n', '1', 'v1')).toBe(head)
    expect(sh(remote, 'rev-list', '-n', '1', 'v1.2.4')).toBe(head)
  })
})
