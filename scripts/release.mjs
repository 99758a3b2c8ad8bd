#!/usr/bin/env node
// Releases the commit HEAD as the model actions do: tag vX.Y.Z and move the major tag (v1) to it, so
// `uses: owner/ecs-deploy-action@v1` gets the release and `@v1.2.3` (or the commit SHA) stays put.
//
//   node scripts/release.mjs 1.2.3 --dry-run   check, and say what would happen; tag and push nothing
//   node scripts/release.mjs 1.2.3             tag locally (vX.Y.Z, and v1 moved); push nothing
//   node scripts/release.mjs 1.2.3 --push      tag and push both tags to the remote (origin, or --remote NAME)
//
// Before anything: the version is X.Y.Z, its tag does not exist yet, CHANGELOG.md has a section for it, the
// tree is clean and dist/ is fresh (a rebuild, `npm run build` or $RELEASE_BUILD_COMMAND, changes nothing).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const args = process.argv.slice(2)
const flag = name => args.includes(name)
const dryRun = flag('--dry-run')
const push = flag('--push')
const remoteAt = args.indexOf('--remote')
const remote = remoteAt >= 0 ? args[remoteAt + 1] : 'origin'
const version = args.filter((a, i) => !a.startsWith('--') && !(remoteAt >= 0 && i === remoteAt + 1))[0]

function fail(message, hint) {
  console.error(`release: ${message}${hint ? `\n  hint: ${hint}` : ''}`)
  process.exit(1)
}

function git(...gitArgs) {
  const r = spawnSync('git', gitArgs, { encoding: 'utf8' })
  if (r.status !== 0) fail(`git ${gitArgs.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`)
  return r.stdout.trim()
}

function gitOk(...gitArgs) {
  return spawnSync('git', gitArgs, { encoding: 'utf8' }).status === 0
}

if (!version || !/^\d+\.\d+\.\d+$/.test(version))
  fail(
    `'${version ?? ''}' is not a version`,
    'give it as X.Y.Z, e.g. node scripts/release.mjs 1.2.3 --dry-run'
  )
if (push && dryRun) fail('--push and --dry-run contradict each other', 'drop one of them')
const tag = `v${version}`
const major = `v${version.split('.')[0]}`

// 1. The tag is new.
if (gitOk('rev-parse', '--verify', '--quiet', `refs/tags/${tag}`))
  fail(
    `tag ${tag} exists already`,
    'release a new version; a published tag is never moved (only the major one is)'
  )

// 2. CHANGELOG.md says what the release holds.
const changelog = existsSync('CHANGELOG.md') ? readFileSync('CHANGELOG.md', 'utf8') : ''
if (!new RegExp(`^## \\[?v?${version.replace(/\./g, '\\.')}\\]?(\\s|$)`, 'm').test(changelog))
  fail(
    `CHANGELOG.md has no section for ${version}`,
    `rename its "## Unreleased" section to "## ${version}", commit, then release`
  )

// 3. A clean tree: the tag names exactly what was committed.
const dirty = git('status', '--porcelain')
if (dirty !== '') fail(`the working tree has uncommitted changes:\n${dirty}`, 'commit or stash them first')

// 4. dist/ is what the source builds to (the action runs dist/index.js, not src/).
const build = process.env.RELEASE_BUILD_COMMAND ?? 'npm run build'
console.log(`release: rebuilding dist/ (${build}) to check it is fresh`)
const built = spawnSync(build, { shell: true, stdio: ['ignore', 'ignore', 'inherit'] })
if (built.status !== 0) fail(`${build} failed`)
const stale = git('status', '--porcelain', '--', 'dist')
if (stale !== '') {
  // A dry run leaves the tree as it found it; a real run leaves the rebuilt dist/ to commit.
  if (dryRun) {
    spawnSync('git', ['checkout', '--', 'dist'], { stdio: 'ignore' })
    spawnSync('git', ['clean', '-fdq', '--', 'dist'], { stdio: 'ignore' })
  }
  fail(
    `dist/ is stale: the build changes it\n${stale}`,
    dryRun
      ? 'run npm run build, commit dist/, then release'
      : 'commit the rebuilt dist/ it left in the tree, then release'
  )
}
if (!existsSync(join('dist', 'index.js'))) fail('dist/index.js is missing', 'npm run build, commit dist/')

const head = git('rev-parse', 'HEAD')
const previous = gitOk('rev-parse', '--verify', '--quiet', `refs/tags/${major}`)
  ? git('rev-list', '-n', '1', major)
  : undefined
const steps = [
  ['git', 'tag', '-a', tag, '-m', `${tag}`, head],
  ['git', 'tag', '-f', '-a', major, '-m', `${major} → ${tag}`, head],
  ...(push
    ? [
        ['git', 'push', remote, `refs/tags/${tag}`],
        ['git', 'push', '--force', remote, `refs/tags/${major}`]
      ]
    : [])
]
console.log(`release: ${tag} at ${head}; ${major} ${previous ? `moves from ${previous}` : 'is created'}`)
for (const step of steps) {
  console.log(`${dryRun ? 'would run' : 'run'}: ${step.join(' ')}`)
  if (dryRun) continue
  const r = spawnSync(step[0], step.slice(1), { stdio: 'inherit' })
  if (r.status !== 0) fail(`${step.join(' ')} failed`)
}
if (dryRun) console.log('release: dry run, nothing was tagged or pushed')
else if (!push)
  console.log(
    `release: tagged locally, not pushed (rerun with --push, or: git push ${remote} ${tag} && git push --force ${remote} ${major})`
  )
else console.log(`release: pushed ${tag} and ${major}; now publish the release on GitHub from ${tag}`)
