/**
 * The deploy's one write to the service, rolling and ECS-native alike: CreateService for a new service (with a
 * client token from the run's deploy id, so a retried reply finds it), else UpdateService to the revision. The
 * record says what was taken; a denied TagResource after it is a partial failure, not the step's end.
 */
import { createHash } from 'node:crypto'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { CommandContext } from '../commands/types.js'
import type { LiveState } from '../ecs/live.js'
import { createService, updateService, type Applied } from '../ecs/rolling.js'
import type { DesiredCountPlan, ServiceDefinition } from '../ecs/service-input.js'
import type { Project } from '../project.js'
import { explainAwsError } from '../report/aws-errors.js'
import { withDesiredCount } from './desired-count.js'
import type { WriteRecord } from './outcome.js'

export interface ServiceChange {
  readonly ctx: CommandContext
  readonly ecs: ECSClient
  readonly cluster: string
  readonly service: string
  readonly record: WriteRecord
  readonly project: Project
  readonly live: LiveState
  readonly desired: DesiredCountPlan | undefined
  readonly taskDefinitionArn: string
  readonly deployId: string
}

/** Sends the write; `applied.skipped` when nothing differed (no UpdateService, nothing recorded). */
export async function applyServiceChange(change: ServiceChange): Promise<Applied> {
  const { ctx, ecs, cluster, service, record, project, live, taskDefinitionArn } = change
  const { inputs, log, clock } = ctx
  const target = { ecs, clock, log, cluster, service, taskDefinitionArn }
  let applied: Applied
  if (live.service === undefined) {
    applied = await createService({
      ...target,
      definition: withDesiredCount(project.serviceDefinition as ServiceDefinition, inputs.desiredCount),
      clientToken: createHash('sha256')
        .update(`${change.deployId}/${cluster}/${service}`)
        .digest('hex')
        .slice(0, 32)
    })
  } else {
    log.info(
      `updating service ${service}: ${record.previous ?? '(none)'} → ${taskDefinitionArn}${inputs.forceNewDeployment ? ' (force new deployment)' : ''}`
    )
    applied = await updateService({
      ...target,
      live: live.service,
      definition: project.serviceDefinition,
      desiredCount: change.desired?.send,
      forceNewDeployment: inputs.forceNewDeployment,
      ignoreTags: project.config.ignore.tags
    })
  }
  if (applied.skipped === true) return applied
  record.update = { deploymentId: applied.deploymentId, created: applied.created }
  if (applied.tagFailure !== undefined) {
    const info = explainAwsError(applied.tagFailure)
    record.partial.push({
      operation: info.operation ?? 'TagResource',
      message: `${info.code}: ${info.message}`,
      hint: info.hint
    })
  }
  return applied
}
