/** What every command's plan and apply stages share: read-only reads, the run's deploy id, a signal's name. */
import { randomBytes } from 'node:crypto'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { AwsClients } from '../aws/clients.js'
import { desiredCountWarning } from '../deploy/desired-count.js'
import { readScalableRange } from '../ecs/autoscaling.js'
import type { LiveState } from '../ecs/live.js'
import { planDesiredCount, type DesiredCountPlan } from '../ecs/service-input.js'
import { ActionError } from '../errors.js'
import { resolveTaskDefinition, type ResolvedTaskDefinition } from '../ecs/task-definition.js'
import type { Project } from '../project.js'
import { annotateErrors, awsActionError, isAwsError } from '../report/aws-errors.js'
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

/**
 * A deploy's read-only check of the service it updates: it must exist or be creatable, and its desired count
 * is planned within the auto scaling range (a warning says when that clamps `desired-count`). Undefined for a
 * service the deploy creates.
 */
export async function planServiceCount(
  ctx: CommandContext,
  project: Project,
  live: LiveState,
  clients: AwsClients
): Promise<DesiredCountPlan | undefined> {
  const { cluster, service: serviceName, path } = project.config
  if (live.service === undefined) {
    if (project.serviceDefinition !== undefined) return undefined
    throw new ActionError(
      `service ${serviceName ?? ''} does not exist in cluster ${cluster}, and the config names no service_definition to create it`,
      {
        where: { file: path },
        hint: 'add service_definition to the config, or create the service first'
      }
    )
  }
  const service = live.service
  const range = await readOnly(async () =>
    readScalableRange(annotateErrors(await clients.autoScaling()), cluster, serviceName!, ctx.log)
  )
  const desired = planDesiredCount(project.serviceDefinition, service, range, ctx.inputs.desiredCount)
  const note = desiredCountWarning(desired, range)
  if (note !== undefined) ctx.log.warning(note)
  return desired
}
