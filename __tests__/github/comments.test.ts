import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { retryDelay, upsertStickyComment, type StickyCommentOptions } from '../../src/github/comments.js'
import { readGithubContext, runUrl } from '../../src/github/context.js'
import { formatMarker, parseMarker, sameService, type CommentMeta } from '../../src/github/marker.js'
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
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '7' }
    })
    const result = await upsertStickyComment(options(app, 'plan'))
    expect(result.action).toBe('created')
    expect(sleeps).toEqual([7000])
    expect(github.requests.filter(r => r.method === 'POST')).toHaveLength(2)
  })

  it('retries server errors with backoff, then gives up with the error', async () => {
    github.failNext(
      { status: 502, message: 'Bad Gateway' },
      { status: 502, message: 'Bad Gateway' },
      { status: 502, message: 'Bad Gateway' },
      { status: 502, message: 'Bad Gateway' }
    )
    await expect(upsertStickyComment(options(app, 'plan'))).rejects.toThrow('Bad Gateway')
    expect(sleeps).toEqual([1000, 2000, 4000])
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
