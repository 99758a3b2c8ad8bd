/**
 * The outcome's one home. A step keeps a record of what it has written (WriteRecord); when it stops, for
 * whatever reason (an Ending: completion, failure, timeout, signal, denied read, another deploy taking over,
 * an AWS error after the first write), `decideOutcome` turns that record and the last observed live service
 * into the status, the outputs and what the summary says. Pure: no AWS, no clock, no logger.
 *
 * The record names deployments by id and revisions by ARN only, so CodeDeploy deployments and later commands
 * (run, rollback, register) fill it the same way.
 */
import type { Status } from '../contract.js'

/** A write that failed after the first write without stopping the deploy (e.g. TagResource denied). */
export interface PartialFailure {
  readonly operation: string
  readonly message: string
  readonly hint: string | undefined
}

/** What this step has written so far. Commands fill it as each write is acknowledged. */
export interface WriteRecord {
  /** The revision this step registered; undefined when it registered none. */
  registered: string | undefined
  /** The revision this step deploys (registered or reused). */
  target: string | undefined
  /** What the service ran before this step. */
  readonly previous: string | undefined
  /** Deployments the service had before our update: not ours, but not someone taking over either. */
  readonly before: readonly string[]
  /** CreateService/UpdateService (or CreateDeployment) sent and taken, with the deployment it started. */
  update: { readonly deploymentId: string | undefined; readonly created: boolean } | undefined
  /**
   * The rollback this step sent (rolling: UpdateService back to `to`, or StopServiceDeployment ROLLBACK).
   * `request`: the rollback is what the step was asked for (`command: rollback`), so completing it succeeds.
   */
  rollback:
    | {
        readonly to: string
        readonly deploymentId: string | undefined
        readonly trigger: 'failure' | 'cancel' | 'request'
      }
    | undefined
  /** CodeDeploy: StopDeployment sent. */
  stop: { readonly deploymentId: string; readonly autoRollback: boolean } | undefined
  readonly partial: PartialFailure[]
}

export function newRecord(previous: string | undefined, before: readonly string[] = []): WriteRecord {
  return {
    registered: undefined,
    target: undefined,
    previous,
    before,
    update: undefined,
    rollback: undefined,
    stop: undefined,
    partial: []
  }
}

/** True once anything was written: from then on every ending goes through decideOutcome. */
export function hasWritten(record: WriteRecord): boolean {
  return (
    record.registered !== undefined ||
    record.update !== undefined ||
    record.rollback !== undefined ||
    record.stop !== undefined
  )
}

/** One deployment of the service as last described. */
export interface ObservedDeployment {
  readonly id: string
  /** PRIMARY, ACTIVE, INACTIVE. */
  readonly status: string
  readonly taskDefinition: string
  readonly rolloutState: string | undefined
  readonly running: number
  readonly desired: number
  readonly createdAt: Date | undefined
}

/** The live service as last observed; undefined in OutcomeInput when it could not be read. */
export interface Observed {
  readonly taskDefinition: string | undefined
  readonly deployments: readonly ObservedDeployment[]
  /**
   * ECS-native blue/green, linear, canary: the status of the step's service deployment (ROLLBACK_SUCCESSFUL,
   * ...). Such a rollback happens inside that deployment, so its status, not a deployment's rolloutState,
   * says whether the rollback is done.
   */
  readonly serviceDeployment?:
    | {
        readonly status: string
        /** A PAUSE hook of the current stage waits for ContinueServiceDeployment. */
        readonly pausedAt?: { readonly hookId: string; readonly stage: string } | undefined
      }
    | undefined
}

/** Why the step stopped following its deployment: the first cause; what followed is read from the record. */
export type Ending =
  | { readonly kind: 'completed' }
  /** The definitions equal the live ones: nothing was registered or updated (a no-op deploy). */
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'not-waited' }
  | { readonly kind: 'failed'; readonly reason: string }
  /** Our deployment failed and ECS (circuit breaker, alarm) rolls back with deployment `deploymentId`. */
  | { readonly kind: 'ecs-rollback'; readonly reason: string; readonly deploymentId: string | undefined }
  | { readonly kind: 'timed-out'; readonly reason: string }
  | { readonly kind: 'superseded' }
  | { readonly kind: 'cancelled'; readonly signal: string }
  /** ECS-native: the deployment waits at a PAUSE hook, and the step was asked to end there (`wait-until: paused`). */
  | {
      readonly kind: 'paused'
      readonly serviceDeploymentArn: string
      readonly hookId: string
      readonly stage: string
    }
  /** An AWS error (or another error) after the first write; `denied` for a read refused by IAM. */
  | {
      readonly kind: 'error'
      readonly message: string
      readonly hint: string | undefined
      readonly deniedAction: string | undefined
    }

export interface OutcomeInput {
  readonly record: WriteRecord
  readonly ending: Ending
  readonly live: Observed | undefined
  /** The signal that cancelled the step after its first ending (while following a rollback). */
  readonly cancelledBy?: string | undefined
}

/** Who started the PRIMARY deployment, as far as the record tells. */
export type PrimaryOwner = 'ours' | 'our-rollback' | 'ecs-rollback' | 'before' | 'other' | 'unknown'

export interface Outcome {
  readonly status: Status
  /** The headline of a failing step (the step exits non-zero exactly when this is set). */
  readonly failure: string | undefined
  /** What the service is doing now, said to a person. */
  readonly state: string
  /** The revision the service runs (PRIMARY) after this step, as far as known: `task-definition-arn`. */
  readonly running: string | undefined
  /** The deployment that took over from ours, when superseded. */
  readonly supersededBy: ObservedDeployment | undefined
  /** Said as warnings: partial failures and reads that were refused. */
  readonly warnings: readonly string[]
}

const short = (arn: string | undefined): string =>
  arn === undefined ? '(none)' : arn.slice(arn.lastIndexOf('/') + 1)

export function primaryOf(live: Observed | undefined): ObservedDeployment | undefined {
  return live?.deployments.find(d => d.status === 'PRIMARY')
}

/** Whose the PRIMARY deployment is. Anything the record does not explain is someone else's. */
export function primaryOwner(record: WriteRecord, ending: Ending, live: Observed | undefined): PrimaryOwner {
  const primary = primaryOf(live)
  if (primary === undefined) return 'unknown'
  if (record.rollback !== undefined && primary.id === record.rollback.deploymentId) return 'our-rollback'
  if (record.update !== undefined && primary.id === record.update.deploymentId) return 'ours'
  if (ending.kind === 'ecs-rollback' && primary.id === ending.deploymentId) return 'ecs-rollback'
  // A requested rollback is the step's only update: anything else PRIMARY after it is someone else's.
  const sent = record.update ?? (record.rollback?.trigger === 'request' ? record.rollback : undefined)
  if (sent === undefined) return 'before'
  if (sent.deploymentId === undefined) return 'unknown'
  return 'other'
}

/** The one decision: status, headline, state and outputs from what was written and what runs. */
export function decideOutcome(input: OutcomeInput): Outcome {
  const { record, ending, live } = input
  const primary = primaryOf(live)
  const owner = primaryOwner(record, ending, live)
  const warnings = record.partial.map(
    p => `${p.operation} failed after the deployment started: ${p.message}${p.hint ? ` (${p.hint})` : ''}`
  )
  if (ending.kind === 'error' && ending.deniedAction !== undefined) {
    warnings.push(
      `the deploy role may not call ${ending.deniedAction}: this step could not follow the deployment, which continues in ECS`
    )
  }
  // The service's taskDefinition is its PRIMARY deployment's (and stays right where deployments lag, as in moto).
  const running = live?.taskDefinition ?? primary?.taskDefinition ?? inferredRunning(record)
  const base = { running, warnings, supersededBy: undefined }
  const state = describeState(record, ending, live, owner)
  const cause = causeOf(ending)

  const signal = ending.kind === 'cancelled' ? ending.signal : input.cancelledBy
  if (!hasWritten(record)) {
    if (signal !== undefined)
      return { ...base, status: 'cancelled', failure: `cancelled by ${signal}: nothing was changed`, state }
    if (ending.kind === 'unchanged') return { ...base, status: 'succeeded', failure: undefined, state }
    return { ...base, status: 'failed', failure: cause ?? 'nothing was deployed', state }
  }
  if (owner === 'other' && primary !== undefined) {
    return {
      ...base,
      status: 'superseded',
      supersededBy: primary,
      failure: `superseded: deployment ${primary.id} of ${short(primary.taskDefinition)} took over from ours (${record.update?.deploymentId ?? '?'} of ${short(record.target)}); this step made no change after that`,
      state
    }
  }
  if (signal !== undefined) {
    return { ...base, status: 'cancelled', failure: `cancelled by ${signal}: ${state}`, state }
  }
  if (ending.kind === 'superseded') {
    // Told by the watch but the PRIMARY could not be read again.
    return {
      ...base,
      status: 'superseded',
      failure: 'superseded: another deployment took over from ours; this step made no change after that',
      state
    }
  }
  if (record.rollback?.trigger === 'request') return requestedRollback(input, owner, primary, base, state)
  const rollingBack = record.rollback !== undefined || ending.kind === 'ecs-rollback'
  if (rollingBack) {
    const to = record.rollback?.to ?? (owner === 'ecs-rollback' ? primary?.taskDefinition : record.previous)
    const rollbackOwned = owner === 'our-rollback' || owner === 'ecs-rollback'
    const { done, broke } = rollbackProgress(live, rollbackOwned, primary)
    const status: Status = broke ? 'failed' : done ? 'rolled-back' : 'rolling-back'
    const tail = broke
      ? `; the rollback to ${short(to)} failed too`
      : done
        ? `; rolled back to ${short(to)}`
        : `; still rolling back to ${short(to)}`
    return { ...base, status, failure: `${cause ?? 'deployment failed'}${tail}`, state }
  }
  switch (ending.kind) {
    case 'completed':
      return { ...base, status: 'succeeded', failure: undefined, state }
    case 'not-waited':
      return { ...base, status: 'started', failure: undefined, state }
    case 'paused':
      return { ...base, status: 'paused', failure: undefined, state }
    case 'timed-out':
      return { ...base, status: 'timed-out', failure: cause, state }
    default:
      return { ...base, status: 'failed', failure: cause, state }
  }
}

/** `command: rollback`: the rollback is the deployment; completed is success, as a deploy's would be. */
function requestedRollback(
  input: OutcomeInput,
  owner: PrimaryOwner,
  primary: ObservedDeployment | undefined,
  base: Pick<Outcome, 'running' | 'warnings' | 'supersededBy'>,
  state: string
): Outcome {
  const { record, ending } = input
  const to = short(record.rollback?.to)
  const mine = owner === 'our-rollback'
  const { done, broke } = rollbackProgress(input.live, mine, primary)
  if (done) return { ...base, status: 'rolled-back', failure: undefined, state }
  if (broke || ending.kind === 'failed' || ending.kind === 'ecs-rollback')
    return {
      ...base,
      status: 'failed',
      failure: `the rollback to ${to} failed: ${causeOf(ending) ?? state}`,
      state
    }
  switch (ending.kind) {
    case 'completed':
      return { ...base, status: 'rolled-back', failure: undefined, state }
    case 'not-waited':
      return { ...base, status: 'started', failure: undefined, state }
    case 'timed-out':
      return {
        ...base,
        status: 'timed-out',
        failure: `the rollback to ${to} timed out: ${ending.reason}`,
        state
      }
    default:
      return {
        ...base,
        status: 'failed',
        failure: causeOf(ending) ?? `the rollback to ${to} did not finish`,
        state
      }
  }
}

/**
 * Whether a rollback the step owns (its own, or ECS's of its deployment) has ended: the native service
 * deployment's status where there is one, else the rollback deployment's rolloutState.
 */
function rollbackProgress(
  live: Observed | undefined,
  owned: boolean,
  primary: ObservedDeployment | undefined
): { done: boolean; broke: boolean } {
  const sd = live?.serviceDeployment?.status
  if (sd !== undefined) return { done: sd === 'ROLLBACK_SUCCESSFUL', broke: sd === 'ROLLBACK_FAILED' }
  return {
    done: owned && primary?.rolloutState === 'COMPLETED',
    broke: owned && primary?.rolloutState === 'FAILED'
  }
}

/** What the service runs when it could not be read: the record's best knowledge. */
function inferredRunning(record: WriteRecord): string | undefined {
  if (record.rollback !== undefined) return record.rollback.to
  if (record.update !== undefined) return record.target
  return record.previous
}

function causeOf(ending: Ending): string | undefined {
  switch (ending.kind) {
    case 'failed':
    case 'ecs-rollback':
      return `deployment failed: ${ending.reason}`
    case 'timed-out':
      return `deployment timed out: ${ending.reason}`
    case 'error':
      return ending.message
    default:
      return undefined
  }
}

function counts(d: ObservedDeployment): string {
  return `running ${d.running}/${d.desired}`
}

/** One sentence: where the deployment stands now. */
function describeState(
  record: WriteRecord,
  ending: Ending,
  live: Observed | undefined,
  owner: PrimaryOwner
): string {
  const ours = record.update?.deploymentId
  if (live === undefined) {
    if (record.rollback !== undefined) {
      return `a rollback to ${short(record.rollback.to)} was sent (deployment ${record.rollback.deploymentId ?? '?'}); its progress could not be read, and ECS continues it`
    }
    if (record.update !== undefined) {
      return `deployment ${ours ?? '?'} of ${short(record.target)} could not be read; it continues in ECS`
    }
    return 'the service could not be read'
  }
  const primary = primaryOf(live)
  if (primary === undefined) return 'the service has no PRIMARY deployment'
  const rollout = primary.rolloutState === undefined ? '' : `, ${primary.rolloutState}`
  switch (owner) {
    case 'ours':
      if (ending.kind === 'paused')
        return `deployment ${primary.id} of ${short(primary.taskDefinition)} waits at the PAUSE hook ${ending.hookId} (${ending.stage}): command: promote continues it, command: rollback rolls it back`
      if (live.serviceDeployment?.pausedAt !== undefined) {
        const { hookId, stage } = live.serviceDeployment.pausedAt
        return `deployment ${primary.id} of ${short(primary.taskDefinition)} waits at the PAUSE hook ${hookId} (${stage}) in ECS: command: promote continues it, command: rollback rolls it back`
      }
      if (primary.rolloutState === 'COMPLETED')
        return `${short(primary.taskDefinition)} runs (deployment ${primary.id} completed)`
      if (ending.kind === 'not-waited')
        return `deployment ${primary.id} of ${short(primary.taskDefinition)} started (${counts(primary)}); this step did not wait for it`
      return `deployment ${primary.id} of ${short(primary.taskDefinition)} is still in progress in ECS (${counts(primary)}${rollout}); ECS continues it without this step`
    case 'our-rollback':
    case 'ecs-rollback': {
      const by = owner === 'ecs-rollback' ? 'ECS' : 'this step'
      const sd = live.serviceDeployment?.status
      if (sd !== undefined) {
        if (sd === 'ROLLBACK_SUCCESSFUL')
          return `rolled back by ${by}: ${short(primary.taskDefinition)} takes all traffic again (service deployment ${sd})`
        // A rollback sent as a new deployment of the earlier revision (nothing was in progress) ends SUCCESSFUL.
        if (sd === 'SUCCESSFUL')
          return `rolled back by ${by}: ${short(primary.taskDefinition)} runs again (service deployment ${sd})`
        if (sd === 'ROLLBACK_FAILED')
          return `the rollback by ${by} to ${short(primary.taskDefinition)} failed (service deployment ${sd})`
        return `rolling back to ${short(primary.taskDefinition)} (service deployment ${sd}, started by ${by}); ECS continues it`
      }
      if (primary.rolloutState === 'COMPLETED')
        return `rolled back by ${by}: ${short(primary.taskDefinition)} runs again (deployment ${primary.id} completed)`
      if (primary.rolloutState === 'FAILED')
        return `the rollback by ${by} to ${short(primary.taskDefinition)} failed (deployment ${primary.id})`
      return `rolling back to ${short(primary.taskDefinition)} (deployment ${primary.id} started by ${by}, ${counts(primary)}); ECS continues it`
    }
    case 'before':
      if (ending.kind === 'unchanged')
        return `${short(primary.taskDefinition)} runs as defined: nothing was registered or updated`
      return `${short(primary.taskDefinition)} still runs: the service was not updated`
    case 'other':
      return `deployment ${primary.id} of ${short(primary.taskDefinition)} is PRIMARY (${counts(primary)}${rollout}); it is not this step's`
    default:
      return `deployment ${primary.id} of ${short(primary.taskDefinition)} is PRIMARY (${counts(primary)}${rollout})`
  }
}
