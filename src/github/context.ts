import { readFileSync } from 'node:fs'
import type { GithubContext } from '../commands/types.js'

/**
 * What the workflow run says about itself, from the runner's GITHUB_* variables and the event payload file.
 * A missing or unreadable payload is `{}`: the action still works outside pull requests.
 */
export function readGithubContext(env: Readonly<Record<string, string | undefined>>): GithubContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const pr = asRecord(payload.pull_request)
  const number = typeof pr?.number === 'number' ? pr.number : undefined
  // On pull_request events GITHUB_SHA is the merge commit; the PR's head is the commit people know.
  const headSha = asRecord(pr?.head)?.sha
  return {
    eventName: nonEmpty(env.GITHUB_EVENT_NAME),
    payload,
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    sha: typeof headSha === 'string' && headSha !== '' ? headSha : nonEmpty(env.GITHUB_SHA),
    runId: nonEmpty(env.GITHUB_RUN_ID),
    runAttempt: nonEmpty(env.GITHUB_RUN_ATTEMPT),
    actor: nonEmpty(env.GITHUB_ACTOR),
    serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    pullRequest: number ?? (typeof payload.number === 'number' && pr ? payload.number : undefined)
  }
}

/** The run's page, e.g. https://github.com/o/r/actions/runs/1/attempts/2; undefined outside Actions. */
export function runUrl(github: GithubContext): string | undefined {
  if (github.repository === undefined || github.runId === undefined) return undefined
  const base = `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}`
  return github.runAttempt !== undefined && github.runAttempt !== '1'
    ? `${base}/attempts/${github.runAttempt}`
    : base
}

export function commitUrl(github: GithubContext): string | undefined {
  if (github.repository === undefined || github.sha === undefined) return undefined
  return `${github.serverUrl}/${github.repository}/commit/${github.sha}`
}

function readPayload(path: string | undefined): Record<string, unknown> {
  if (path === undefined || path === '') return {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    return asRecord(parsed) ?? {}
  } catch {
    return {}
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
