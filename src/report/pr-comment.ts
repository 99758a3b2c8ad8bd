/** The sticky PR comment of a dry run: marker, verdict, images, diff, and which commit and run wrote it. */
import type { DiffPlan } from '../diff/plan.js'
import { formatMarker, type CommentMeta } from '../github/marker.js'
import { dryRunVerdict, imageLines, planName, diffDetails } from './dry-run.js'
import { codeBlock, escapeHtml, inlineCode, truncate } from './markdown.js'

/** GitHub rejects comment bodies longer than this many characters. */
export const COMMENT_LIMIT = 65_536

export interface CommentLinks {
  readonly sha?: string | undefined
  readonly commitUrl?: string | undefined
  readonly runUrl?: string | undefined
}

export function prCommentBody(
  plan: DiffPlan,
  meta: CommentMeta,
  links: CommentLinks,
  limit = COMMENT_LIMIT
): string {
  const title =
    plan.service === undefined
      ? inlineCode(planName(plan))
      : `${inlineCode(plan.service)} on ${inlineCode(plan.cluster)}`
  const head = [
    formatMarker(meta),
    `### ECS dry run: ${title}`,
    '',
    `**${escapeHtml(dryRunVerdict(plan))}**`,
    ''
  ]
  if (!plan.hasChanges)
    head.push('Live matches the local definitions at this commit: a deploy would change nothing.', '')
  head.push(...imageLines(plan), '')
  const foot = [footer(meta, links)]
  if (!plan.hasChanges) return [...head, ...foot].join('\n')

  const where = links.runUrl ? `[the run](${links.runUrl})` : 'the run'
  const notice = `… (diff cut to fit a comment; the full diff is in the job summary and log of ${where})`
  // Characters left for the diff once the rest, the fence and the details wrapper are counted.
  const fixed = [...head, ...foot].join('\n').length + 200
  const room = Math.max(1000, limit - fixed)
  // The comment limit counts characters; a byte budget of the same size never lets more characters through.
  const body = [...head, diffDetails(plan.diff, room, notice, true), '', ...foot].join('\n')
  return body.length <= limit ? body : body.slice(0, limit)
}

/**
 * The comment of a plan that failed: it replaces the last plan, which no longer says what this commit would
 * do. The error sits in a fence longer than any backtick run in it, so it cannot turn into Markdown.
 */
export function failedPlanCommentBody(
  errorText: string,
  meta: CommentMeta,
  links: CommentLinks,
  limit = COMMENT_LIMIT
): string {
  const at = links.sha ? inlineCode(links.sha.slice(0, 7)) : 'this commit'
  const where = links.runUrl ? `[the run](${links.runUrl})` : 'the run'
  const head = [formatMarker(meta), `### ECS dry run: plan failed at ${at}`, '']
  const foot = [
    '',
    'The previous plan no longer applies. Fix this and push: the next plan replaces this comment.',
    '',
    footer(meta, links)
  ]
  const room = Math.max(1000, limit - [...head, ...foot].join('\n').length - 200)
  const error = truncate(errorText, room, `… (cut; the whole error is in the log of ${where})`).text
  const body = [...head, codeBlock(error), ...foot].join('\n')
  return body.length <= limit ? body : body.slice(0, limit)
}

function footer(meta: CommentMeta, links: CommentLinks): string {
  const parts: string[] = []
  if (links.sha) {
    const short = links.sha.slice(0, 7)
    parts.push(
      links.commitUrl ? `commit [${inlineCode(short)}](${links.commitUrl})` : `commit ${inlineCode(short)}`
    )
  }
  parts.push(`config ${inlineCode(meta.config)}`)
  if (links.runUrl) parts.push(`[workflow run](${links.runUrl})`)
  return `<sub>Planned by ecs-deploy-action for ${parts.join(' · ')}. Updated on every push.</sub>`
}
