/** What every command's plan and apply stages share: read-only reads, the run's deploy id, a signal's name. */
import { randomBytes } from 'node:crypto'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { LiveState } from '../ecs/live.js'
import { resolveTaskDefinition, type ResolvedTaskDefinition } from '../ecs/task-definition.js'
import type { Project } from '../project.js'
import { awsActionError, isAwsError } from '../report/aws-errors.js'
import type { CommandContext } from './types.js'

/** Runs a read; an AWS error becomes an ActionError naming the operation and the missing permission. */
export async function readOnly<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    throw isAwsError(error) ? awsActionError(error) : error
  }
}

/** Unique per run attempt: tags the registration and seeds client tokens (CreateService, RunTask). */
export function makeDeployId(ctx: CommandContext): string {
  const run = ctx.github.runId ?? 'local'
  const attempt = ctx.github.runAttempt ?? '1'
  return `${run}-${attempt}-${randomBytes(4).toString('hex')}`
}

/** The signal that cancelled the step (SIGINT, SIGTERM), as the cancellation handler named it. */
export function signalName(ctx: CommandContext): string {
  const reason: unknown = ctx.signal?.reason
  return typeof reason === 'string' ? reason : 'a cancellation'
}

/**
 * The project's task definition as deploy and run use it: registered once (or the live revision reused when
 * unchanged), or with skip-task-definition the service's current or the family's latest revision.
 */
export function projectTaskDefinition(
  ctx: CommandContext,
  project: Project,
  ecs: ECSClient,
  live: LiveState,
  deployId: string = makeDeployId(ctx)
): Promise<ResolvedTaskDefinition> {
  return resolveTaskDefinition({
    ecs,
    clock: ctx.clock,
    log: ctx.log,
    live,
    definition: project.taskDefinition,
    skip: ctx.inputs.skipTaskDefinition,
    latest: ctx.inputs.latestTaskDefinition,
    deployId,
    definitionPath: project.taskDefinitionPath,
    ignoreTags: project.config.ignore.tags
  })
}
