/**
 * `keep-revisions: N`: after a successful deploy, deregister the family's ACTIVE revisions beyond the newest
 * N, never the one the service runs nor the one it ran before. Housekeeping: a failure here is a warning,
 * never a failed deploy.
 */
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { CommandContext, CommandResult } from '../commands/types.js'
import { Output } from '../contract.js'
import { deregisterRevision, listActiveRevisions, revisionsBeyond } from '../ecs/revisions.js'
import { familyOf } from '../ecs/task-definition.js'
import { explainAwsError, isAwsError } from '../report/aws-errors.js'
import { prunedMarkdown } from '../report/revisions.js'

export interface Pruned {
  readonly family: string
  readonly keep: number
  /** Deregistered (or, in a dry run, to be deregistered), newest first. */
  readonly revisions: readonly string[]
  readonly failed: readonly { readonly arn: string; readonly message: string }[]
  /** The list could not be read: nothing was deregistered. */
  readonly unreadable: string | undefined
  readonly dryRun: boolean
}

export interface PruneOptions {
  readonly ecs: ECSClient
  readonly keep: number
  readonly running: string
  readonly previous: string | undefined
  readonly dryRun: boolean
}

/** Finds (and unless a dry run, deregisters) what keep-revisions lets go. Never throws. */
export async function pruneRevisions(options: PruneOptions): Promise<Pruned> {
  const family = familyOf(options.running)
  const base = { family, keep: options.keep, dryRun: options.dryRun }
  let active: string[]
  try {
    active = await listActiveRevisions(options.ecs, family)
  } catch (error) {
    return { ...base, revisions: [], failed: [], unreadable: messageOf(error) }
  }
  const beyond = revisionsBeyond(active, options.keep, [options.running, options.previous])
  if (options.dryRun) return { ...base, revisions: beyond, failed: [], unreadable: undefined }
  const revisions: string[] = []
  const failed: { arn: string; message: string }[] = []
  for (const arn of beyond) {
    try {
      await deregisterRevision(options.ecs, arn)
      revisions.push(arn)
    } catch (error) {
      failed.push({ arn, message: messageOf(error) })
      // Denied once is denied for all: say it once, not per revision.
      if (isAwsError(error) && /AccessDenied|Unauthorized/i.test(explainAwsError(error).code)) break
    }
  }
  return { ...base, revisions, failed, unreadable: undefined }
}

/**
 * The one call a deploy makes after it ends: with keep-revisions set and the deploy succeeded, prune and add
 * what went to the summary (failures as warnings). Any other result is returned as it is.
 */
export async function keepRevisionsAfter(
  ctx: CommandContext,
  ecs: ECSClient,
  result: CommandResult
): Promise<CommandResult> {
  const keep = ctx.inputs.keepRevisions
  const running = result.outputs[Output.TaskDefinitionArn]
  const done = result.status === 'succeeded' || result.status === 'registered'
  if (keep === undefined || !done || running === undefined) return result
  const pruned = await ctx.log.group(`Keeping the newest ${keep} revisions of ${familyOf(running)}`, () =>
    pruneRevisions({
      ecs,
      keep,
      running,
      previous: result.outputs[Output.PreviousTaskDefinitionArn],
      dryRun: false
    })
  )
  logPruned(ctx, pruned)
  return { ...result, summary: `${result.summary.trimEnd()}\n\n${prunedMarkdown(pruned)}\n` }
}

/**
 * The dry run's part: what keep-revisions would deregister after this deploy. `current` is the revision the
 * service runs (or the family's latest); with `willRegister` one more revision comes, so one fewer is kept.
 */
export async function keepRevisionsDryRun(
  ctx: CommandContext,
  ecs: ECSClient,
  current: string | undefined,
  willRegister: boolean
): Promise<string | undefined> {
  const keep = ctx.inputs.keepRevisions
  if (keep === undefined || current === undefined) return undefined
  const pruned = await pruneRevisions({
    ecs,
    keep: willRegister ? keep - 1 : keep,
    running: current,
    previous: current,
    dryRun: true
  })
  logPruned(ctx, { ...pruned, keep })
  return prunedMarkdown({ ...pruned, keep })
}

/** The log lines and warnings of a prune (or of its dry run). */
export function logPruned(ctx: CommandContext, pruned: Pruned): void {
  const verb = pruned.dryRun ? 'would deregister' : 'deregistered'
  if (pruned.unreadable !== undefined)
    ctx.log.warning(
      `keep-revisions: cannot list the revisions of ${pruned.family} (${pruned.unreadable}); none was deregistered`
    )
  for (const arn of pruned.revisions) ctx.log.info(`keep-revisions: ${verb} ${arn}`)
  if (pruned.revisions.length === 0 && pruned.unreadable === undefined)
    ctx.log.info(`keep-revisions: ${pruned.family} has no more than ${pruned.keep} ACTIVE revisions to keep`)
  for (const f of pruned.failed)
    ctx.log.warning(
      `keep-revisions: could not deregister ${f.arn}: ${f.message} (the deploy itself succeeded)`
    )
}

function messageOf(error: unknown): string {
  if (isAwsError(error)) {
    const info = explainAwsError(error)
    return `${info.code}: ${info.message}${info.hint ? ` (${info.hint})` : ''}`
  }
  return error instanceof Error ? error.message : String(error)
}
