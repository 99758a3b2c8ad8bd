import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { retryDelay, upsertStickyComment, type StickyCommentOptions } from '../../src/github/comments.js'
import { readGithubContext, runUrl } from '../../src/github/context.js'
import { formatMarker, isNewer, parseMarker, sameService, type CommentMeta } from '../../src/github/marker.js'
import { startFakeGithub, type FakeGithub } from '../../test/github/server.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const app: CommentMeta = { cluster: 'prod', service: 'app', config: 'ecspresso.yml', sha: 'abc', runId: '1' }
const worker: CommentMeta = { ...app, service: 'worker' }

let github: FakeGithub
let sleeps: number[]

beforeEach(async () => {
  github = await startFakeGithub({ maxPerPage: 2 })
  sleeps = []
})
afterEach(async () => github.close())

function options(meta: CommentMeta, text: string): StickyCommentOptions {
  return {
    token: 'ghs_test',
    apiUrl: github.url,
    pullRequest: { owner: 'acme', repo: 'shop', number: 7 },
    meta,
    body: `${formatMarker(meta)}\n${text}`,
    sleep: ms => Promise.resolve(void sleeps.push(ms))
  }
}

describe('upsertStickyComment', () => {
  it('creates the comment once, then updates it (found on a later page among other comments)', async () => {
    for (let i = 0; i < 3; i++) github.addComment('acme/shop', 7, `LGTM ${i}`)
    const first = await upsertStickyComment(options(app, 'first plan'))
    for (let i = 0; i < 3; i++) github.addComment('acme/shop', 7, `more talk ${i}`)
    const second = await upsertStickyComment(options({ ...app, sha: 'def', runId: '2' }, 'second plan'))

    expect(first.action).toBe('created')
    expect(second).toMatchObject({ action: 'updated', id: first.action === 'created' ? first.id : -1 })
    const ours = github.comments('acme/shop', 7).filter(c => parseMarker(c.body))
    expect(ours).toHaveLength(1)
    expect(ours[0]!.body).toContain('second plan')
    expect(parseMarker(ours[0]!.body)).toEqual({ ...app, sha: 'def', runId: '2' })
    // Pagination followed the Link header to page 4 (2 per page, 7 comments before the update).
    expect(
      github.requests
        .filter(r => r.method === 'GET')
        .map(r => new URL(r.path, github.url).searchParams.get('page'))
    ).toContain('4')
    expect(github.requests.every(r => r.authorization === 'token ghs_test')).toBe(true)
  })

  it('keeps one comment per service', async () => {
    await upsertStickyComment(options(app, 'app plan'))
    await upsertStickyComment(options(worker, 'worker plan'))
    await upsertStickyComment(options(app, 'app plan 2'))
    const ours = github.comments('acme/shop', 7)
    expect(ours.map(c => c.body.split('\n')[1])).toEqual(['app plan 2', 'worker plan'])
  })

  it('reports a read-only token as forbidden instead of throwing', async () => {
    github.readOnly = true
    const result = await upsertStickyComment(options(app, 'plan'))
    expect(result).toEqual({
      action: 'forbidden',
      message: expect.stringContaining('Resource not accessible by integration')
    })
    expect(github.comments('acme/shop', 7)).toEqual([])
  })

  it('waits out a secondary rate limit and retries', async () => {
    github.failNext({
      status: 403,
      method: 'POST',
      path: '/comments',
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '7' }
    })
    const result = await upsertStickyComment(options(app, 'plan'))
    expect(result.action).toBe('created')
    expect(sleeps).toEqual([7000])
    expect(github.requests.filter(r => r.method === 'POST' && r.path.endsWith('/comments'))).toHaveLength(2)
  })

  it('retries server errors with backoff, then gives up with the error', async () => {
    github.failNext(
      { status: 502, message: 'Bad Gateway', path: '/comments' },
      { status: 502, message: 'Bad Gateway', path: '/comments' },
      { status: 502, message: 'Bad Gateway', path: '/comments' },
      { status: 502, message: 'Bad Gateway', path: '/comments' }
    )
    await expect(upsertStickyComment(options(app, 'plan'))).rejects.toThrow('Bad Gateway')
    expect(sleeps).toEqual([1000, 2000, 4000])
  })
})

describe('upsertStickyComment: whose comment, and which plan is newer', () => {
  const pat = 'ghp_reviewer'
  const repo = 'acme/shop'

  it('never updates a comment someone else wrote with our marker, and posts its own', async () => {
    const forged = github.addComment(repo, 7, `${formatMarker(app)}\nSecurity review: approved`, 'mallory')
    const result = await upsertStickyComment(options(app, 'the real plan'))
    expect(result.action).toBe('created')
    expect(github.requests.filter(r => r.method === 'PATCH')).toEqual([])
    const all = github.comments(repo, 7)
    expect(all.find(c => c.id === forged.id)!.body).toContain('Security review: approved')
    const ours = all.filter(c => c.user.login === 'github-actions[bot]')
    expect(ours).toHaveLength(1)
    expect(ours[0]!.body).toContain('the real plan')
    // The next push updates our own comment, still ignoring the forged one.
    const second = await upsertStickyComment(options({ ...app, runId: '2' }, 'plan 2'))
    expect(second).toMatchObject({ action: 'updated', id: ours[0]!.id })
  })

  it('knows a PAT by GET /user when GraphQL is not available, and an app token by GraphQL viewer', async () => {
    github.identities.set(pat, { login: 'release-bot', type: 'User' })
    github.graphqlDown = true
    github.addComment(repo, 7, `${formatMarker(app)}\nan old plan by the actions bot`, 'github-actions[bot]')
    const byPat = await upsertStickyComment({ ...options(app, 'pat plan'), token: pat })
    expect(byPat.action).toBe('created')
    expect(github.requests.some(r => r.path === '/user')).toBe(true)
    const again = await upsertStickyComment({ ...options(app, 'pat plan 2'), token: pat })
    expect(again.action).toBe('updated')
    expect(github.comments(repo, 7).map(c => [c.user.login, c.body.split('\n')[1]])).toEqual([
      ['github-actions[bot]', 'an old plan by the actions bot'],
      ['release-bot', 'pat plan 2']
    ])

    github.graphqlDown = false
    github.identities.set('ghs_app', { login: 'deployer[bot]', type: 'Bot' })
    const byApp = await upsertStickyComment({ ...options(app, 'app plan'), token: 'ghs_app' })
    expect(byApp.action).toBe('created')
    expect(github.comments(repo, 7).at(-1)!.user.login).toBe('deployer[bot]')
  })

  it('touches no comment when it cannot learn who it is', async () => {
    github.graphqlDown = true // and GET /user refuses an installation token
    await upsertStickyComment(options(app, 'plan 1'))
    const second = await upsertStickyComment(options({ ...app, runId: '2' }, 'plan 2'))
    expect(second.action).toBe('created')
    expect(github.requests.filter(r => r.method === 'PATCH')).toEqual([])
  })

  it('posts a new comment when its own comment cannot be updated', async () => {
    const first = await upsertStickyComment(options(app, 'plan 1'))
    github.failNext({ status: 404, method: 'PATCH', message: 'Not Found' })
    const second = await upsertStickyComment(options({ ...app, runId: '2' }, 'plan 2'))
    expect(second.action).toBe('created')
    expect(second.action === 'created' && first.action === 'created' && second.id !== first.id).toBe(true)
  })

  it('does not post a plan for a commit that is no longer the head', async () => {
    github.setHead(repo, 7, 'def')
    const stale = await upsertStickyComment(options(app, 'plan for abc'))
    expect(stale).toEqual({ action: 'skipped', reason: expect.stringContaining('head is now def') })
    expect(github.comments(repo, 7)).toEqual([])
  })

  it('never overwrites the comment of a later run, nor of the head commit', async () => {
    const newer = { ...app, sha: 'def', runId: '20' }
    await upsertStickyComment(options(newer, 'plan of run 20'))
    // Head unknown (404): run ids decide.
    const older = await upsertStickyComment(options({ ...app, runId: '19' }, 'plan of run 19'))
    expect(older.action).toBe('skipped')
    // A re-run of run 20 is newer than its first attempt.
    const rerun = await upsertStickyComment(
      options({ ...newer, runAttempt: '2' }, 'plan of run 20, attempt 2')
    )
    expect(rerun.action).toBe('updated')
    // Head known: the head commit's plan wins over a later run for an older commit...
    github.setHead(repo, 7, 'def')
    expect((await upsertStickyComment(options({ ...app, runId: '30' }, 'x'))).action).toBe('skipped')
    // ...and a head plan replaces an older commit's plan even from an earlier run id (a re-run).
    github.setHead(repo, 7, 'abc')
    expect((await upsertStickyComment(options({ ...app, runId: '5' }, 'head plan'))).action).toBe('updated')
    expect(github.comments(repo, 7).map(c => c.body.split('\n')[1])).toEqual(['head plan'])
  })
})

describe('isNewer', () => {
  const at = (sha: string, runId: string, runAttempt?: string): CommentMeta => ({
    ...app,
    sha,
    runId,
    ...(runAttempt === undefined ? {} : { runAttempt })
  })

  it('orders by head commit, then run id (as numbers), then attempt', () => {
    expect(isNewer(at('b', '1'), at('a', '9'), 'b')).toBe(true)
    expect(isNewer(at('a', '9'), at('b', '1'), 'b')).toBe(false)
    expect(isNewer(at('a', '10'), at('a', '9'), undefined)).toBe(true)
    expect(isNewer(at('a', '9'), at('a', '10'), 'a')).toBe(false)
    expect(isNewer(at('a', '9', '2'), at('a', '9'), 'a')).toBe(true)
    expect(isNewer(at('a', '9'), at('a', '9'), 'a')).toBe(false)
    expect(isNewer({ ...app, runId: undefined }, at('a', '1'), undefined)).toBe(false)
  })
})

describe('retryDelay', () => {
  const error = (status: number, headers: Record<string, string> = {}, message = '') =>
    Object.assign(new Error(message), { status, response: { headers } })

  it('honours retry-after and the rate-limit reset, within a minute', () => {
    expect(retryDelay(error(429, { 'retry-after': '3' }), 0)).toBe(3000)
    expect(retryDelay(error(403, { 'retry-after': '600' }), 0)).toBeUndefined()
    expect(
      retryDelay(error(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }), 0, 1_000_000)
    ).toBe(10_000)
    expect(retryDelay(error(403, {}, 'You have exceeded a secondary rate limit'), 0)).toBe(60_000)
  })

  it('does not retry a plain 403 or a validation error', () => {
    expect(retryDelay(error(403, {}, 'Resource not accessible by integration'), 0)).toBeUndefined()
    expect(retryDelay(error(422), 0)).toBeUndefined()
  })
})

describe('marker', () => {
  it('round-trips metadata and cannot be closed early by the values', () => {
    const meta = { cluster: 'a-->b', service: '<svc>', config: 'x/ecspresso.yml', sha: 'abc', runId: '9' }
    const line = formatMarker(meta)
    expect(line.indexOf('-->')).toBe(line.length - 3)
    expect(parseMarker(`${line}\nbody`)).toEqual(meta)
    expect(sameService(meta, { ...meta, sha: 'other', runId: '10' })).toBe(true)
    expect(sameService(meta, { ...meta, config: 'y/ecspresso.yml' })).toBe(false)
    // A failed plan that never learnt its service stands for every service of its config.
    const failed = { ...meta, cluster: '', service: '', state: 'failed' as const, runAttempt: '2' }
    expect(parseMarker(formatMarker(failed))).toEqual(failed)
    expect(sameService(failed, meta)).toBe(true)
    expect(sameService(failed, { ...meta, config: 'y/ecspresso.yml' })).toBe(false)
  })

  it('ignores comments that merely quote the marker', () => {
    expect(parseMarker(`> ${formatMarker(app)}`)).toBeUndefined()
    expect(parseMarker('<!-- ecs-deploy-action: not json -->')).toBeUndefined()
  })
})

describe('readGithubContext', () => {
  it('reads a pull_request run, preferring the head commit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-'))
    const eventPath = join(dir, 'event.json')
    writeFileSync(
      eventPath,
      JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: 'headsha' } } })
    )
    const ctx = readGithubContext({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'mergesha',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.example.com/',
      GITHUB_API_URL: 'https://github.example.com/api/v3'
    })
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      pullRequest: 7,
      sha: 'headsha',
      repository: 'acme/shop',
      apiUrl: 'https://github.example.com/api/v3',
      serverUrl: 'https://github.example.com'
    })
    expect(runUrl(ctx)).toBe('https://github.example.com/acme/shop/actions/runs/42/attempts/2')
  })

  it('works outside pull requests and without a payload', () => {
    const ctx = readGithubContext({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: 'pushsha',
      GITHUB_EVENT_PATH: '/nonexistent'
    })
    expect(ctx).toMatchObject({
      pullRequest: undefined,
      sha: 'pushsha',
      payload: {},
      apiUrl: 'https://api.github.com'
    })
  })
})
