/**
 * One sticky comment per service on a pull request: found again by its marker and updated on every push, so
 * a thread holds the current plan instead of a pile of stale ones.
 *
 * Only a comment the token's own identity wrote is ever updated: anyone can post a comment that starts with
 * our marker, and updating theirs would put our plan under their name (or fail and post nothing). And a run
 * never overwrites the plan of a newer commit or a later run (see `isNewer`).
 */
// Loaded when a comment is posted: @actions/github parses GITHUB_EVENT_PATH when it loads, and a payload it
// cannot parse must not stop a dry run before it starts (readGithubContext reads the payload forgivingly).
import type { getOctokit } from '@actions/github'
import { commentBody } from '../report/sink.js'
import { isNewer, parseMarker, sameService, type CommentMeta } from './marker.js'

type Octokit = ReturnType<typeof getOctokit>

export interface PullRequestRef {
  readonly owner: string
  readonly repo: string
  readonly number: number
}

export interface StickyCommentOptions {
  readonly token: string
  /** The REST API root (GITHUB_API_URL), so GitHub Enterprise and tests work. */
  readonly apiUrl: string
  readonly pullRequest: PullRequestRef
  readonly meta: CommentMeta
  /** The whole body, starting with the marker line. */
  readonly body: string
  readonly sleep: (ms: number) => Promise<void>
  /** Retries after rate limiting or server errors; default 3. */
  readonly retries?: number | undefined
}

export type StickyCommentResult =
  | { readonly action: 'created' | 'updated'; readonly id: number; readonly url: string | undefined }
  /** A newer plan is (or will be) there: this run's is not posted. */
  | { readonly action: 'skipped'; readonly reason: string }
  /** Not allowed to comment (fork PRs, `pull-requests: read`): the caller warns and carries on. */
  | { readonly action: 'forbidden'; readonly message: string }

/** Longest wait we accept from a rate limit before giving up on the comment (the step should not stall). */
const MAX_WAIT_MS = 60_000

/** Creates the comment, or updates the one an earlier run left for the same service. */
export async function upsertStickyComment(options: StickyCommentOptions): Promise<StickyCommentResult> {
  const { getOctokit: octokitFor } = await import('@actions/github')
  const octokit = octokitFor(options.token, { baseUrl: options.apiUrl })
  const retries = options.retries ?? 3
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions)
      } catch (error) {
        const wait = retryDelay(error, attempt)
        if (attempt >= retries || wait === undefined) throw error
        await options.sleep(wait)
      }
    }
  })

  const { owner, repo, number } = options.pullRequest
  // Whatever built the body, it is posted through the sink: secrets replaced, within the size limit.
  const body = commentBody(options.body)
  try {
    const [identity, head, comments] = await Promise.all([
      whoAmI(octokit),
      headSha(octokit, options.pullRequest),
      octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 })
    ])
    const ours = options.meta
    if (head !== undefined && ours.sha !== undefined && ours.sha !== head) {
      return {
        action: 'skipped',
        reason: `the pull request's head is now ${head.slice(0, 7)}, and this plan is for ${ours.sha.slice(0, 7)}`
      }
    }
    // Unknown identity: no comment can be shown to be ours, so none is touched and a new one is posted.
    const candidates = comments.filter(comment => {
      const meta = parseMarker(comment.body)
      return (
        meta !== undefined &&
        sameService(meta, ours) &&
        identity !== undefined &&
        comment.user?.login === identity
      )
    })
    // The comment naming this very service before one that stands for any service of the config.
    const existing =
      candidates.find(comment => {
        const meta = parseMarker(comment.body)
        return meta?.cluster === ours.cluster && meta.service === ours.service
      }) ?? candidates[0]
    const existingMeta = parseMarker(existing?.body)
    if (existing && existingMeta && isNewer(existingMeta, ours, head)) {
      return {
        action: 'skipped',
        reason: `comment ${existing.html_url} already shows a newer plan (${describeRun(existingMeta)})`
      }
    }
    if (existing) {
      try {
        const { data } = await octokit.rest.issues.updateComment({
          owner,
          repo,
          comment_id: existing.id,
          body
        })
        return { action: 'updated', id: data.id, url: data.html_url }
      } catch (error) {
        // Deleted meanwhile, or refused: the plan still gets posted, as a new comment.
        if (!isForbidden(error)) throw error
      }
    }
    const { data } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body
    })
    return { action: 'created', id: data.id, url: data.html_url }
  } catch (error) {
    if (isForbidden(error)) return { action: 'forbidden', message: errorMessage(error) }
    throw error
  }
}

/**
 * The login of the token's identity. GraphQL's `viewer` answers for every kind of token, installation tokens
 * (GITHUB_TOKEN: `github-actions[bot]`; an app's: `<slug>[bot]`) included; REST `GET /user` answers only for
 * user tokens (PATs, OAuth) and is the fallback where GraphQL is not available. Undefined when neither tells.
 */
export async function whoAmI(octokit: Octokit): Promise<string | undefined> {
  try {
    const result = await octokit.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }')
    if (typeof result.viewer?.login === 'string' && result.viewer.login !== '') return result.viewer.login
  } catch {
    // Fall through to REST.
  }
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return typeof data.login === 'string' && data.login !== '' ? data.login : undefined
  } catch {
    return undefined
  }
}

/** The pull request's current head commit, or undefined when it cannot be read (then run ids decide). */
async function headSha(octokit: Octokit, pr: PullRequestRef): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number })
    return typeof data.head?.sha === 'string' ? data.head.sha : undefined
  } catch {
    return undefined
  }
}

function describeRun(meta: CommentMeta): string {
  const parts: string[] = []
  if (meta.sha !== undefined) parts.push(`commit ${meta.sha.slice(0, 7)}`)
  if (meta.runId !== undefined) parts.push(`run ${meta.runId}`)
  if (meta.runAttempt !== undefined && meta.runAttempt !== '1') parts.push(`attempt ${meta.runAttempt}`)
  return parts.join(', ') || 'unknown run'
}

interface HttpErrorLike {
  readonly status?: number
  readonly message?: string
  readonly response?: { readonly headers?: Readonly<Record<string, string | number | undefined>> }
}

function asHttpError(error: unknown): HttpErrorLike | undefined {
  return typeof error === 'object' && error !== null && 'status' in error
    ? (error as HttpErrorLike)
    : undefined
}

/**
 * How long to wait before retrying, or undefined when retrying won't help. Secondary rate limits answer 403
 * or 429 with `retry-after`; the primary one with `x-ratelimit-remaining: 0` and a reset time; 5xx are brief.
 */
export function retryDelay(error: unknown, attempt: number, now = Date.now()): number | undefined {
  const http = asHttpError(error)
  if (http?.status === undefined) return undefined
  const headers = http.response?.headers ?? {}
  if (http.status === 403 || http.status === 429) {
    const retryAfter = Number(headers['retry-after'])
    if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers['retry-after'] !== undefined) {
      const ms = retryAfter * 1000
      return ms <= MAX_WAIT_MS ? Math.max(ms, 1000) : undefined
    }
    if (String(headers['x-ratelimit-remaining']) === '0') {
      const reset = Number(headers['x-ratelimit-reset']) * 1000
      const ms = Number.isFinite(reset) ? reset - now : Infinity
      return ms <= MAX_WAIT_MS ? Math.max(ms, 1000) : undefined
    }
    // GitHub's documented fallback for a secondary limit without headers: wait at least a minute.
    if (/secondary rate limit|abuse/i.test(http.message ?? '')) return MAX_WAIT_MS
    return undefined
  }
  if (http.status >= 500) return 1000 * 2 ** attempt
  return undefined
}

function isForbidden(error: unknown): boolean {
  const status = asHttpError(error)?.status
  // 403 without rate-limit headers: the token may not write (read-only token, fork PR). 404 is what
  // GitHub answers for a repository or PR the token cannot see.
  return status === 403 || status === 404
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
