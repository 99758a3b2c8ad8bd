/**
 * The hidden first line of a sticky PR comment: `<!-- ecs-deploy-action: {json} -->`. It says which service
 * the comment is about (so the next push updates that comment, one per service) and which commit and run
 * wrote it, for people and tools reading the thread.
 */

export const MARKER_PREFIX = '<!-- ecs-deploy-action:'

export interface CommentMeta {
  readonly cluster: string
  /** The service, or for a config without one, the task definition family. */
  readonly service: string
  /** The config file path, as shown to people. */
  readonly config: string
  readonly sha?: string | undefined
  readonly runId?: string | undefined
}

/** The marker line. Characters that could end the HTML comment early are JSON-escaped. */
export function formatMarker(meta: CommentMeta): string {
  const json = JSON.stringify({
    cluster: meta.cluster,
    service: meta.service,
    config: meta.config,
    ...(meta.sha === undefined ? {} : { sha: meta.sha }),
    ...(meta.runId === undefined ? {} : { runId: meta.runId })
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
    return { cluster, service, config, sha: text('sha'), runId: text('runId') }
  } catch {
    return undefined
  }
}

/** Whether two comments are about the same service (commit and run don't matter). */
export function sameService(a: CommentMeta, b: CommentMeta): boolean {
  return a.cluster === b.cluster && a.service === b.service && a.config === b.config
}
