/**
 * When and how a dry run's plan reaches its pull request: whether this run comments at all, and the logging
 * around the sticky comment. Used for a plan (dry-run.ts) and for a plan that failed (main's catch path).
 */
import { relative, resolve } from 'node:path'
import type { CommandContext } from '../commands/types.js'
import { describeError } from '../errors.js'
import { failedPlanCommentBody } from '../report/pr-comment.js'
import { upsertStickyComment } from './comments.js'
import { commitUrl, runUrl } from './context.js'
import type { CommentMeta } from './marker.js'

type PlanContext = Pick<CommandContext, 'inputs' | 'github' | 'log' | 'clock' | 'env'>

/** The pull request this run comments on, or undefined (with a warning where one is due). */
function commentTarget(ctx: PlanContext, warn: boolean) {
  const { inputs, github, log } = ctx
  if (inputs.prComment === 'false') return undefined
  const isPullRequestEvent = github.eventName === 'pull_request' || github.eventName === 'pull_request_target'
  if (inputs.prComment === 'auto' && !isPullRequestEvent) return undefined
  const number = github.pullRequest
  const [owner, repo] = (github.repository ?? '').split('/')
  if (number === undefined || !owner || !repo) {
    if (warn && inputs.prComment === 'true')
      log.warning('pr-comment is true, but this run belongs to no pull request: no comment')
    return undefined
  }
  if (inputs.githubToken === undefined) {
    if (warn) log.warning('no github-token: the dry-run diff is not posted to the pull request')
    return undefined
  }
  return { owner, repo, number, token: inputs.githubToken }
}

/** The marker metadata for this run's comment about `service` of `cluster` in `config`. */
export function commentMeta(
  ctx: PlanContext,
  target: { cluster: string; service: string; config: string }
): CommentMeta {
  return {
    ...target,
    sha: ctx.github.sha,
    runId: ctx.github.runId,
    runAttempt: ctx.github.runAttempt
  }
}

export function commentLinks(ctx: PlanContext) {
  return { sha: ctx.github.sha, commitUrl: commitUrl(ctx.github), runUrl: runUrl(ctx.github) }
}

/** Posts or updates the sticky comment. Never throws: the plan is the product, the comment its echo. */
export async function postPlanComment(
  ctx: PlanContext,
  meta: CommentMeta,
  body: (meta: CommentMeta) => string,
  what = 'the dry-run diff'
): Promise<void> {
  const target = commentTarget(ctx, true)
  if (!target) return
  const { log } = ctx
  const { number } = target
  try {
    const result = await upsertStickyComment({
      token: target.token,
      apiUrl: ctx.github.apiUrl,
      pullRequest: target,
      meta,
      body: body(meta),
      sleep: ms => ctx.clock.sleep(ms)
    })
    if (result.action === 'forbidden') {
      log.warning(
        `could not comment on pull request #${number} (${result.message}); ${what} is in the job summary. ` +
          'Give the job `permissions: pull-requests: write`; pull requests from forks get a read-only token.'
      )
    } else if (result.action === 'skipped') {
      log.info(`Not commenting on pull request #${number}: ${result.reason}`)
    } else {
      log.info(
        `${result.action === 'created' ? 'Commented' : 'Updated the comment'} on pull request #${number}: ${result.url ?? ''}`
      )
    }
  } catch (error) {
    log.warning(`could not comment on pull request #${number}: ${describeError(error)}`)
  }
}

/**
 * A dry run on a pull request that failed (a template or validation error, a denied read): the sticky
 * comment says "plan failed at <sha>: <error>" instead of keeping the last green plan. `errorText` is the
 * text the step fails with, after the same redaction; the known credentials are taken out here as well.
 * The config path names the service here: the config may be what failed to load.
 */
export async function commentFailedPlan(ctx: PlanContext, errorText: string): Promise<void> {
  if (!ctx.inputs.dryRun || ctx.inputs.command !== 'deploy') return
  if (!commentTarget(ctx, false)) return
  const config = commentConfig(ctx.inputs)
  const meta: CommentMeta = {
    ...commentMeta(ctx, { cluster: '', service: '', config }),
    state: 'failed'
  }
  const text = withoutCredentials(errorText, ctx)
  await postPlanComment(ctx, meta, m => failedPlanCommentBody(text, m, commentLinks(ctx)), 'the error')
}

/**
 * The config a failed plan's comment names: the config path, or for several configs (lines, a pattern) the
 * input as written, which names the one comment a step over several services posts.
 */
export function commentConfig(inputs: Pick<PlanContext['inputs'], 'config' | 'configs'>): string {
  if (inputs.configs.length > 1) return inputs.configs.join('\n')
  return relative(process.cwd(), resolve(inputs.config)) || inputs.config
}

/** The token and AWS credentials never reach a comment, whatever else redaction does. */
function withoutCredentials(text: string, ctx: PlanContext): string {
  const secrets = [
    ctx.inputs.githubToken,
    ctx.env.AWS_SECRET_ACCESS_KEY,
    ctx.env.AWS_SESSION_TOKEN,
    ctx.env.GITHUB_TOKEN
  ].filter((value): value is string => value !== undefined && value.length >= 4)
  return secrets.reduce((out, secret) => out.split(secret).join('•••'), text)
}
