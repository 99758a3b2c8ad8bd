// The sticky PR comment through dist/index.js against the fake GitHub API: whose comment is updated (item 6),
// and which plan a comment shows when plans fail, race or arrive out of order (item 7). Issue 12.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { parseMarker } from '../../src/github/marker.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { startFakeGithub, type FakeGithub } from '../../test/github/server.js'
import { runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let github: FakeGithub
let dir: string

const SHA_A = 'a'.repeat(40)
const SHA_B = 'b'.repeat(40)
const REPO = 'octo-org/web'

const taskDefinition = (image: string, label = 'plain') =>
  JSON.stringify(
    {
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image, essential: true, dockerLabels: { note: label } }]
    },
    null,
    2
  )

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  emulator.seedTaskDefinition(JSON.parse(taskDefinition('registry.example.com/web:v1')))
  github = await startFakeGithub()
  dir = await mkdtemp(join(tmpdir(), 'pr-comment-'))
  await writeFile(join(dir, 'ecspresso.yml'), 'region: us-east-1\ncluster: prod\ntask_definition: td.json\n')
  await writeFile(join(dir, 'td.json'), taskDefinition('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'))
})
afterEach(async () => {
  // A dry run never writes, failed or not.
  expect(emulator.writes().map(w => w.operation)).toEqual([])
  await emulator.close()
  await github.close()
})

function plan(options: { sha?: string; runId?: string; attempt?: string; tag?: string } = {}) {
  return runAction({
    inputs: {
      config: join(dir, 'ecspresso.yml'),
      'dry-run': 'true',
      'github-token': 'ghs_workflow_token',
      'image-tag': options.tag ?? 'v2'
    },
    event: {
      name: 'pull_request',
      payload: { number: 7, pull_request: { number: 7, head: { sha: options.sha ?? SHA_A } } }
    },
    env: {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      GITHUB_API_URL: github.url,
      GITHUB_RUN_ID: options.runId ?? '100',
      GITHUB_RUN_ATTEMPT: options.attempt ?? '1'
    }
  })
}

const comments = () => github.comments(REPO, 7)
const ours = () => comments().filter(c => c.user.login === 'github-actions[bot]')
const patches = () => github.requests.filter(r => r.method === 'PATCH')

describe('sticky-comment hijack (item 6)', () => {
  it("ignores someone else's comment that starts with our marker, and posts its own", async () => {
    // The forged comment carries our exact marker: copied from a real first run.
    const first = await plan()
    expect(first.exitCode, first.stdout).toBe(0)
    const key = comments()[0]!.body.split('\n')[0]!
    github.comments(REPO, 7).length = 0
    const forged = github.addComment(REPO, 7, `${key}\n### Security review: approved`, 'mallory')

    const run = await plan({ runId: '101', tag: 'v3' })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(patches()).toEqual([])
    expect(comments().find(c => c.id === forged.id)!.body).toContain('Security review: approved')
    expect(ours()).toHaveLength(1)
    expect(ours()[0]!.body).toContain('registry.example.com/web:v3')
    expect(run.stdout).not.toContain('pull-requests: write')

    // The next push updates our comment, not theirs.
    const next = await plan({ runId: '102', tag: 'v4' })
    expect(next.exitCode, next.stdout).toBe(0)
    expect(patches().map(r => r.path)).toEqual([`/repos/${REPO}/issues/comments/${ours()[0]!.id}`])
    expect(comments().find(c => c.id === forged.id)!.body).toContain('Security review: approved')
    expect(ours()[0]!.body).toContain('registry.example.com/web:v4')
  })
})

describe('failed, stale and reordered plans (item 7)', () => {
  it('a plan that fails validation replaces the green plan with the located, redacted error', async () => {
    const green = await plan()
    expect(green.exitCode, green.stdout).toBe(0)
    const id = ours()[0]!.id

    // The rendered line quotes the AWS secret key; the comment must not.
    await writeFile(
      join(dir, 'td.json'),
      taskDefinition('registry.example.com/web:v2').replace(
        '"note": "plain"',
        '"note": "plain" "{{ env `AWS_SECRET_ACCESS_KEY` }}"'
      )
    )
    const failed = await plan({ sha: SHA_B, runId: '101' })
    expect(failed.exitCode).toBe(1)
    expect(failed.outputs.status).toBe('failed')
    // The error quotes the rendered line, with the secret replaced there too.
    expect(failed.errors[0]).toContain('"•••"')
    expect(failed.errors[0]).not.toContain('secret-for-tests')
    expect(ours()).toHaveLength(1)
    const body = ours()[0]!.body
    expect(ours()[0]!.id).toBe(id)
    expect(body).toContain('### ECS dry run: plan failed at `bbbbbbb`')
    expect(body).toMatch(/td\.json:\d+:\d+: JSON syntax error after rendering/)
    expect(body).not.toContain('no changes')
    expect(body).not.toContain('secret-for-tests')
    expect(body).not.toContain('ghs_workflow_token')
    expect(parseMarker(body)).toMatchObject({ state: 'failed', sha: SHA_B, runId: '101' })

    // Fixed on the next push: the same comment shows the plan again.
    await writeFile(join(dir, 'td.json'), taskDefinition('registry.example.com/web:v5'))
    const fixed = await plan({ sha: SHA_A.replace(/a/g, 'c'), runId: '102' })
    expect(fixed.exitCode, fixed.stdout).toBe(0)
    expect(ours()).toHaveLength(1)
    expect(ours()[0]!.id).toBe(id)
    expect(ours()[0]!.body).toContain('web:v5')
    expect(parseMarker(ours()[0]!.body)?.state).toBeUndefined()
  })

  it('a config that does not load still marks the plan failed, and the next plan takes the comment back', async () => {
    await plan()
    const id = ours()[0]!.id
    await writeFile(
      join(dir, 'ecspresso.yml'),
      'region: us-east-1\ncluster: [prod\ntask_definition: td.json\n'
    )
    const failed = await plan({ sha: SHA_B, runId: '101' })
    expect(failed.exitCode).toBe(1)
    expect(ours().map(c => c.id)).toEqual([id])
    expect(ours()[0]!.body).toMatch(
      /plan failed at `bbbbbbb`[\s\S]*ecspresso\.yml:\d+:\d+: YAML syntax error/
    )

    await writeFile(
      join(dir, 'ecspresso.yml'),
      'region: us-east-1\ncluster: prod\ntask_definition: td.json\n'
    )
    const fixed = await plan({ sha: SHA_B, runId: '102' })
    expect(fixed.exitCode, fixed.stdout).toBe(0)
    expect(ours().map(c => c.id)).toEqual([id])
    expect(ours()[0]!.body).toContain('### ECS dry run')
    expect(ours()[0]!.body).not.toContain('plan failed')
  })

  it('an older run finishing after a newer one leaves the newer comment alone', async () => {
    github.setHead(REPO, 7, SHA_B)
    const newer = await plan({ sha: SHA_B, runId: '200', tag: 'v-new' })
    expect(newer.exitCode, newer.stdout).toBe(0)
    // The run for the previous head ends last: its plan is not posted.
    const stale = await plan({ sha: SHA_A, runId: '199', tag: 'v-old' })
    expect(stale.exitCode, stale.stdout).toBe(0)
    expect(stale.stdout).toContain(
      "Not commenting on pull request #7: the pull request's head is now bbbbbbb"
    )
    // An earlier run of the same head (e.g. a second workflow run of it) ending last: not posted either.
    const earlier = await plan({ sha: SHA_B, runId: '198', tag: 'v-earlier' })
    expect(earlier.stdout).toContain('already shows a newer plan (commit bbbbbbb, run 200)')
    expect(ours()).toHaveLength(1)
    expect(ours()[0]!.body).toContain('web:v-new')
    expect(patches()).toEqual([])
    // A re-run (attempt 2) of the newest run does replace it.
    const rerun = await plan({ sha: SHA_B, runId: '200', attempt: '2', tag: 'v-rerun' })
    expect(rerun.exitCode, rerun.stdout).toBe(0)
    expect(ours()[0]!.body).toContain('web:v-rerun')
    expect(parseMarker(ours()[0]!.body)).toMatchObject({ sha: SHA_B, runId: '200', runAttempt: '2' })
  })

  it('a failed older run does not overwrite a newer green plan', async () => {
    github.setHead(REPO, 7, SHA_B)
    await plan({ sha: SHA_B, runId: '300' })
    await writeFile(join(dir, 'td.json'), '{ "family": ')
    const failed = await plan({ sha: SHA_B, runId: '299' })
    expect(failed.exitCode).toBe(1)
    expect(ours()).toHaveLength(1)
    expect(ours()[0]!.body).not.toContain('plan failed')
  })
})
