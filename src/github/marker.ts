/**
 * The hidden first line of a sticky PR comment: `<!-- ecs-deploy-action: {json} -->`. It says which service
 * the comment is about (so the next push updates that comment, one per service) and which commit, run and
 * attempt wrote it, so an older run never overwrites the plan of a newer one.
 */

export const MARKER_PREFIX = '<!-- ecs-deploy-action:'

export interface CommentMeta {
  /** Empty when the plan failed before the config said (the config path alone then names the service). */
  readonly cluster: string
  /** The service, or for a config without one, the task definition family; empty as for `cluster`. */
  readonly service: string
  /** The config file path, as shown to people. */
  readonly config: string
  /** The pull request head commit the plan was made for. */
  readonly sha?: string | undefined
  readonly runId?: string | undefined
  readonly runAttempt?: string | undefined
  /** `failed` when the comment says the plan failed; absent for a plan. */
  readonly state?: 'failed' | undefined
}

/** The marker line. Characters that could end the HTML comment early are JSON-escaped. */
export function formatMarker(meta: CommentMeta): string {
  const json = JSON.stringify({
    cluster: meta.cluster,
    service: meta.service,
    config: meta.config,
    ...(meta.sha === undefined ? {} : { sha: meta.sha }),
    ...(meta.runId === undefined ? {} : { runId: meta.runId }),
    ...(meta.runAttempt === undefined ? {} : { runAttempt: meta.runAttempt }),
    ...(meta.state === undefined ? {} : { state: meta.state })
  })
    .replace(/--/g, '-\\u002d')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
  return `${MARKER_PREFIX} ${json} -->`
}

/** The metadata of a comment body that starts with our marker; undefined for any other comment. */
export function parseMarker(body: string | null | undefined): CommentMeta | undefined {
  if (!body?.startsWith(MARKER_PREFIX)) return undefined
  const end = body.indexOf('-->')
  if (end < 0) return undefined
  try {
    const value: unknown = JSON.parse(body.slice(MARKER_PREFIX.length, end).trim())
    if (typeof value !== 'object' || value === null) return undefined
    const record = value as Record<string, unknown>
    const text = (key: string): string | undefined =>
      typeof record[key] === 'string' ? record[key] : undefined
    const cluster = text('cluster')
    const service = text('service')
    const config = text('config')
    if (cluster === undefined || service === undefined || config === undefined) return undefined
    const meta: CommentMeta = {
      cluster,
      service,
      config,
      sha: text('sha'),
      runId: text('runId')
    }
    const runAttempt = text('runAttempt')
    return {
      ...meta,
      ...(runAttempt === undefined ? {} : { runAttempt }),
      ...(text('state') === 'failed' ? { state: 'failed' as const } : {})
    }
  } catch {
    return undefined
  }
}

/**
 * Whether two comments are about the same service (commit and run don't matter). A comment whose plan failed
 * before the config named cluster and service matches any service of the same config, and the other way
 * round, so the next green plan replaces it.
 */
export function sameService(a: CommentMeta, b: CommentMeta): boolean {
  if (a.config !== b.config) return false
  if (isUnnamed(a) || isUnnamed(b)) return true
  return a.cluster === b.cluster && a.service === b.service
}

function isUnnamed(meta: CommentMeta): boolean {
  return meta.cluster === '' && meta.service === ''
}

/**
 * Whether the comment `existing` was written for a newer state of the pull request than `ours`, so `ours`
 * must not overwrite it. Newer means, in order:
 * 1. for the pull request's current head commit (`head`, read from the API) when ours is not;
 * 2. else by a later workflow run: run ids grow with every run GitHub starts in a repository, so a later
 *    push gets a larger one; a re-run keeps its run id and gets a larger attempt.
 * A comment without run metadata (an older version of the action) is never newer.
 */
export function isNewer(existing: CommentMeta, ours: CommentMeta, head: string | undefined): boolean {
  if (head !== undefined) {
    const existingAtHead = existing.sha === head
    const oursAtHead = ours.sha === head
    if (existingAtHead !== oursAtHead) return existingAtHead
  }
  const byRun = compareNumbers(existing.runId, ours.runId)
  if (byRun !== 0) return byRun > 0
  return compareNumbers(existing.runAttempt ?? '1', ours.runAttempt ?? '1') > 0
}

/** Compares decimal ids of any size; an id missing or not a number compares as equal (no ordering known). */
function compareNumbers(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return 0
  const x = BigInt(a)
  const y = BigInt(b)
  return x > y ? 1 : x < y ? -1 : 0
}
