/**
 * A deployment group runs one deployment at a time. Before creating ours: find one that is still active, and
 * per `codedeploy-in-progress` fail (naming it), wait for it to end, or stop it (with rollback) and wait.
 */
import {
  GetDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
  type DeploymentInfo
} from '@aws-sdk/client-codedeploy'
import type { Clock } from '../clock.js'
import { formatDuration } from '../duration.js'
import { heartbeat } from '../ecs/heartbeat.js'
import { pollDelay } from '../ecs/watch.js'
import { ActionError } from '../errors.js'
import type { Logger } from '../log.js'
import { deploymentConsoleUrl } from './deployment.js'
import type { DeploymentGroupRef } from './group.js'

/** Statuses of a deployment that still holds its group. */
export const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const
export const TERMINAL_STATUSES = ['Succeeded', 'Failed', 'Stopped'] as const

export function isTerminal(status: string | undefined): boolean {
  return (TERMINAL_STATUSES as readonly (string | undefined)[]).includes(status)
}

/** The id of the active deployment of the group, if there is one. Read-only. */
export async function activeDeployment(
  codedeploy: CodeDeployClient,
  group: DeploymentGroupRef
): Promise<string | undefined> {
  const out = await codedeploy.send(
    new ListDeploymentsCommand({
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      includeOnlyStatuses: [...ACTIVE_STATUSES]
    })
  )
  return out.deployments?.[0]
}

/** A deployment that holds the group, as the plan reports it. */
export interface ActiveDeployment {
  readonly id: string
  readonly status: string | undefined
  /** CodeDeploy's rollback of an earlier deployment (creator codeDeployRollback): never stopped by us. */
  readonly rollback: boolean
}

/** The group's active deployment with its status, if one holds the group. Read-only. */
export async function findActiveDeployment(
  codedeploy: CodeDeployClient,
  group: DeploymentGroupRef
): Promise<ActiveDeployment | undefined> {
  const id = await activeDeployment(codedeploy, group)
  if (id === undefined) return undefined
  const info = await getDeployment(codedeploy, id)
  if (info === undefined || isTerminal(info.status)) return undefined
  return { id, status: info.status, rollback: isRollbackDeployment(info) }
}

function isRollbackDeployment(info: DeploymentInfo | undefined): boolean {
  return (
    info?.creator === 'codeDeployRollback' || info?.rollbackInfo?.rollbackTriggeringDeploymentId !== undefined
  )
}

/** The id CodeDeploy names in a DeploymentLimitExceededException ("… already has an active Deployment d-…"). */
export function deploymentIdInMessage(message: string): string | undefined {
  return /\bd-[A-Z0-9]{6,}\b/.exec(message)?.[0]
}

export function inProgressError(
  group: DeploymentGroupRef,
  id: string,
  region: string,
  status?: string
): ActionError {
  return new ActionError(
    `deployment ${id} of CodeDeploy deployment group ${group.applicationName}/${group.deploymentGroupName} is still ${status ?? 'in progress'}; nothing was changed (${deploymentConsoleUrl(region, id)})`,
    {
      hint:
        'let it finish (or stop it) and run again; or set codedeploy-in-progress: wait to wait for it, ' +
        'or codedeploy-in-progress: stop to stop it (rolling it back) first'
    }
  )
}

export interface ClearOptions {
  readonly codedeploy: CodeDeployClient
  readonly group: DeploymentGroupRef
  readonly region: string
  readonly mode: 'fail' | 'wait' | 'stop'
  readonly clock: Clock
  readonly log: Logger
  readonly timeoutMs: number
  readonly pollMs: number | undefined
  /** An id already known to be active (from a DeploymentLimitExceededException); else ListDeployments finds it. */
  readonly known?: string | undefined
}

/**
 * Makes sure no other deployment holds the group. `fail` throws an ActionError naming the active deployment
 * (no write happened); `wait` waits for it to end; `stop` sends StopDeployment with rollback and waits for it
 * to end. Returns the deployment that was waited for or stopped, if any.
 */
export async function clearActiveDeployment(
  options: ClearOptions
): Promise<{ id: string; action: 'waited' | 'stopped'; status: string | undefined } | undefined> {
  const { codedeploy, log } = options
  const id = options.known ?? (await activeDeployment(codedeploy, options.group))
  if (id === undefined) return undefined
  const first = await getDeployment(codedeploy, id)
  if (isTerminal(first?.status)) return undefined
  const url = deploymentConsoleUrl(options.region, id)
  if (options.mode === 'fail') throw inProgressError(options.group, id, options.region, first?.status)

  // CodeDeploy's own rollback of an earlier deployment is waited for, never stopped.
  const stopping = options.mode === 'stop' && !isRollbackDeployment(first)
  if (stopping) {
    log.info(
      `stopping deployment ${id} (${first?.status ?? 'active'}) with rollback, as codedeploy-in-progress is stop: ${url}`
    )
    const out = await codedeploy.send(
      new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true })
    )
    log.info(`StopDeployment: ${out.status ?? ''}${out.statusMessage ? ` (${out.statusMessage})` : ''}`)
  } else {
    log.info(
      `waiting for deployment ${id} (${first?.status ?? 'active'}) to finish, ${options.mode === 'wait' ? 'as codedeploy-in-progress is wait' : 'as it is CodeDeploy rolling back an earlier deployment'}: ${url}`
    )
  }

  const started = options.clock.now()
  let last = first?.status
  const beat = heartbeat({
    clock: options.clock,
    print: line => log.info(line),
    started,
    deadline: started + options.timeoutMs,
    what: `deployment ${id} to end`
  })
  for (let poll = 0; ; poll++) {
    beat.tick(undefined)
    const left = started + options.timeoutMs - options.clock.now()
    if (left <= 0) {
      throw new ActionError(
        `deployment ${id} did not end within ${formatDuration(options.timeoutMs)} (still ${last ?? 'active'}); nothing was deployed (${url})`,
        { hint: 'raise timeout, or stop that deployment in the CodeDeploy console' }
      )
    }
    await options.clock.sleep(Math.min(pollDelay(poll, options.pollMs), left))
    const info = await getDeployment(codedeploy, id)
    if (info?.status !== last) {
      last = info?.status
      log.info(`deployment ${id}: ${last ?? 'gone'}`)
    }
    if (info === undefined || isTerminal(info.status)) {
      // A stop with rollback starts a rollback deployment, which holds the group until it ends.
      const rollbackId = info?.rollbackInfo?.rollbackDeploymentId
      if (rollbackId !== undefined && rollbackId !== id) {
        await clearActiveDeployment({
          ...options,
          mode: 'wait',
          known: rollbackId,
          timeoutMs: Math.max(1, started + options.timeoutMs - options.clock.now())
        })
      }
      return { id, action: stopping ? 'stopped' : 'waited', status: info?.status }
    }
  }
}

async function getDeployment(codedeploy: CodeDeployClient, id: string): Promise<DeploymentInfo | undefined> {
  try {
    return (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo
  } catch (error) {
    if (error instanceof Error && error.name === 'DeploymentDoesNotExistException') return undefined
    throw error
  }
}
