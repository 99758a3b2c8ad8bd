/** What every command's plan and apply stages share: read-only reads, the run's deploy id, a signal's name. */
import { randomBytes } from 'node:crypto'
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
