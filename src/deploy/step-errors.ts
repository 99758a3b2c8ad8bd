/**
 * What an AWS error after the first write means for a deploy step, rolling or ECS-native alike: the ending
 * it gives the outcome, or the partial failure a rollback attempt records. Both remember the first AWS error
 * explained, for the summary's hint.
 */
import { ActionError } from '../errors.js'
import { awsActionError, explainAwsError, isAwsError, type AwsErrorInfo } from '../report/aws-errors.js'
import type { Ending, WriteRecord } from './outcome.js'

/** The part of a step these need: what it wrote, and the AWS error it explains in the summary. */
export interface ErrorTrackingStep {
  readonly record: WriteRecord
  awsError: AwsErrorInfo | undefined
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** An error after the first write, as an ending. A denied read after the update says the deployment goes on. */
export function errorEnding(step: ErrorTrackingStep, error: unknown): Ending {
  if (!isAwsError(error)) {
    const hint = error instanceof ActionError ? error.hint : undefined
    return { kind: 'error', message: errorMessage(error), hint, deniedAction: undefined }
  }
  const info = explainAwsError(error)
  step.awsError = info
  const denied = /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(info.code)
  const action = info.operation === undefined ? undefined : `ecs:${info.operation}`
  const message = awsActionError(error).message
  return {
    kind: 'error',
    message:
      denied && step.record.update !== undefined
        ? `${message}; the deployment continues in ECS, but this step cannot follow it${action ? ` without ${action}` : ''}`
        : message,
    hint: info.hint,
    deniedAction: denied ? action : undefined
  }
}

/** A rollback the step tried and AWS refused: recorded as a partial failure, the step's report goes on. */
export function recordRollbackFailure(step: ErrorTrackingStep, error: unknown): void {
  const info = isAwsError(error) ? explainAwsError(error) : undefined
  step.awsError ??= info
  step.record.partial.push({
    operation: info?.operation ?? 'rollback',
    message: info ? `${info.code}: ${info.message}` : errorMessage(error),
    hint: info?.hint ?? (error instanceof ActionError ? error.hint : undefined)
  })
}
