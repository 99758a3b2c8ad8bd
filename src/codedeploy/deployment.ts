/** The CreateDeployment of a blue/green deploy: its input (pure) and sending it exactly once. */
import { createHash } from 'node:crypto'
import {
  BatchGetDeploymentsCommand,
  CreateDeploymentCommand,
  ListDeploymentsCommand,
  type AutoRollbackConfiguration,
  type CodeDeployClient,
  type CreateDeploymentCommandInput
} from '@aws-sdk/client-codedeploy'
import type { Clock } from '../clock.js'
import type { GithubContext } from '../commands/types.js'
import type { RollbackEvent } from '../contract.js'
import { applyOnce, noBlindRetry } from '../ecs/once.js'
import { runUrl } from '../github/context.js'
import type { DeploymentGroupRef } from './group.js'

/** CreateDeployment's `description` may hold at most this many characters. */
export const DESCRIPTION_LIMIT = 512

/** The deployment's page in the CodeDeploy console. */
export function deploymentConsoleUrl(region: string, deploymentId: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${encodeURIComponent(deploymentId)}?region=${region}`
}

/**
 * Says where the deployment came from: the repository and commit, who ran it, and the run's URL, cut to
 * CreateDeployment's limit (the URL is kept whole when anything must go).
 */
export function deploymentDescription(github: GithubContext, taskDefinitionArn: string): string {
  const family = taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1)
  const commit = github.sha === undefined ? '' : `@${github.sha.slice(0, 12)}`
  const from = github.repository === undefined ? '' : ` from ${github.repository}${commit}`
  const by = github.actor === undefined ? '' : ` by ${github.actor}`
  const url = runUrl(github)
  const head = `ecs-deploy-action: ${family}${from}${by}`
  const tail = url === undefined ? '' : ` (${url})`
  if (head.length + tail.length <= DESCRIPTION_LIMIT) return head + tail
  if (tail.length >= DESCRIPTION_LIMIT) return (head + tail).slice(0, DESCRIPTION_LIMIT)
  const room = DESCRIPTION_LIMIT - tail.length - 1
  return `${head.slice(0, room)}…${tail}`
}

/**
 * The deployment's automatic rollback, from the `rollback-events` input. No events leaves the deployment
 * group's own setting in force (undefined); any event enables rollback on exactly those events.
 */
export function rollbackConfiguration(
  events: readonly RollbackEvent[]
): AutoRollbackConfiguration | undefined {
  if (events.length === 0) return undefined
  return { enabled: true, events: [...events] }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export interface DeploymentInputOptions {
  readonly group: DeploymentGroupRef
  readonly appSpec: string
  readonly description: string
  readonly rollbackEvents: readonly RollbackEvent[]
}

/** CreateDeployment's input: the AppSpec inline with its SHA-256, the group's or config's deployment config. */
export function buildCreateDeploymentInput(options: DeploymentInputOptions): CreateDeploymentCommandInput {
  const input: CreateDeploymentCommandInput = {
    applicationName: options.group.applicationName,
    deploymentGroupName: options.group.deploymentGroupName,
    revision: {
      revisionType: 'AppSpecContent',
      appSpecContent: { content: options.appSpec, sha256: sha256(options.appSpec) }
    },
    description: options.description
  }
  if (options.group.deploymentConfigName !== undefined)
    input.deploymentConfigName = options.group.deploymentConfigName
  const rollback = rollbackConfiguration(options.rollbackEvents)
  if (rollback !== undefined) input.autoRollbackConfiguration = rollback
  return input
}

/**
 * Sends CreateDeployment once. CreateDeployment has no idempotency token, so after an ambiguous failure (5xx,
 * dropped connection) it looks for a deployment of the group created since it started with the same AppSpec
 * before sending again.
 */
export async function sendCreateDeployment(options: {
  readonly codedeploy: CodeDeployClient
  readonly clock: Clock
  readonly input: CreateDeploymentCommandInput
  readonly onRetry?: (reason: string, attempt: number) => void
}): Promise<string> {
  const { codedeploy, input } = options
  const started = options.clock.now()
  const wanted = input.revision?.appSpecContent?.sha256
  return applyOnce<string>({
    operation: 'CreateDeployment',
    clock: options.clock,
    send: async () => {
      const out = await codedeploy.send(noBlindRetry(new CreateDeploymentCommand(input), 'CreateDeployment'))
      return out.deploymentId!
    },
    check: async () => {
      const listed = await codedeploy.send(
        new ListDeploymentsCommand({
          applicationName: input.applicationName,
          deploymentGroupName: input.deploymentGroupName,
          // Clocks differ; a minute of slack, and the AppSpec's hash decides.
          createTimeRange: { start: new Date(started - 60_000) }
        })
      )
      const ids = listed.deployments ?? []
      if (ids.length === 0) return undefined
      const got = await codedeploy.send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(0, 25) }))
      const same = (got.deploymentsInfo ?? []).find(d => {
        const content = d.revision?.appSpecContent
        return (
          content !== undefined &&
          (content.sha256 === wanted || (content.content !== undefined && sha256(content.content) === wanted))
        )
      })
      return same?.deploymentId
    },
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry })
  })
}
