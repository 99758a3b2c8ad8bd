/**
 * `command: register`: the task definition only (families run by scheduled tasks or `run`), as ecspresso's
 * register. Like a deploy, a definition equal to the family's latest ACTIVE revision registers nothing.
 */
import { DescribeTaskDefinitionCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs'
import { Output } from '../contract.js'
import { keepRevisionsAfter, keepRevisionsDryRun } from '../deploy/keep-revisions.js'
import type { LiveState } from '../ecs/live.js'
import { resolveTaskDefinition, sameTaskDefinition } from '../ecs/task-definition.js'
import { ActionError } from '../errors.js'
import type { Project } from '../project.js'
import { annotateErrors, awsActionError, explainAwsError, isAwsError } from '../report/aws-errors.js'
import { registerSummary } from '../report/revisions.js'
import type { CommandContext, CommandResult } from './types.js'
import { makeDeployId, readOnly } from './steps.js'

export async function runRegister(ctx: CommandContext, project: Project): Promise<CommandResult> {
  const definition = project.taskDefinition
  if (definition === undefined) {
    throw new ActionError('the config names no task_definition to register', {
      where: { file: project.config.path },
      hint: "add 'task_definition: <file>' to the config"
    })
  }
  const family = definition.family ?? ''
  const ecs = annotateErrors(await ctx.awsClients(project.config.region).ecs())
  const latest = await readOnly(() => latestRevision(ecs, family))
  const ignoreTags = project.config.ignore.tags
  const unchanged =
    latest !== undefined &&
    sameTaskDefinition(definition, latest.live.taskDefinition!, latest.live.taskDefinitionTags, ignoreTags)

  if (ctx.inputs.dryRun) {
    const arn = unchanged ? latest.arn : `${family}:${nextRevision(latest?.arn)}`
    ctx.log.info(
      unchanged
        ? `${arn} equals the rendered definition: a register would change nothing`
        : `a register would create ${arn}`
    )
    const extra = await keepRevisionsDryRun(ctx, ecs, latest?.arn, !unchanged)
    return {
      status: 'dry-run',
      outputs: { [Output.Status]: 'dry-run', [Output.HasChanges]: String(!unchanged) },
      summary: registerSummary({
        arn,
        registered: false,
        dryRun: true,
        path: project.taskDefinitionPath,
        extra
      }),
      failure: undefined
    }
  }

  // The latest revision stands in for the service's: resolveTaskDefinition reuses it when it is the same.
  const live: LiveState = latest?.live ?? {
    service: undefined,
    taskDefinition: undefined,
    taskDefinitionTags: [],
    serviceTags: []
  }
  let resolved
  try {
    resolved = await resolveTaskDefinition({
      ecs,
      clock: ctx.clock,
      log: ctx.log,
      live,
      definition,
      skip: false,
      latest: false,
      deployId: makeDeployId(ctx),
      definitionPath: project.taskDefinitionPath,
      ignoreTags
    })
  } catch (error) {
    throw isAwsError(error) ? awsActionError(error) : error
  }
  ctx.log.info(
    resolved.registered ? `registered ${resolved.arn}` : `${resolved.arn} is unchanged: nothing registered`
  )
  const outputs: Partial<Record<string, string>> = {
    [Output.Status]: 'registered',
    [Output.TaskDefinitionArn]: resolved.arn,
    [Output.HasChanges]: String(resolved.registered)
  }
  if (resolved.registered) outputs[Output.RegisteredTaskDefinitionArn] = resolved.arn
  if (latest !== undefined && latest.arn !== resolved.arn)
    outputs[Output.PreviousTaskDefinitionArn] = latest.arn
  const result: CommandResult = {
    status: 'registered',
    outputs,
    summary: registerSummary({
      arn: resolved.arn,
      registered: resolved.registered,
      dryRun: false,
      path: project.taskDefinitionPath,
      extra: undefined
    }),
    failure: undefined
  }
  return keepRevisionsAfter(ctx, ecs, result)
}

/** The family's latest ACTIVE revision, shaped as a live state; undefined for a family never registered. */
async function latestRevision(
  ecs: ECSClient,
  family: string
): Promise<{ arn: string; live: LiveState } | undefined> {
  try {
    const out = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] })
    )
    const td = out.taskDefinition
    if (td?.taskDefinitionArn === undefined) return undefined
    // resolveTaskDefinition compares with the revision a service runs; here no service is involved.
    const service: Service = { taskDefinition: td.taskDefinitionArn }
    return {
      arn: td.taskDefinitionArn,
      live: { service, taskDefinition: td, taskDefinitionTags: out.tags ?? [], serviceTags: [] }
    }
  } catch (error) {
    if (isAwsError(error) && explainAwsError(error).code === 'ClientException') return undefined
    throw error
  }
}

function nextRevision(arn: string | undefined): number {
  return arn === undefined ? 1 : Number(arn.slice(arn.lastIndexOf(':') + 1)) + 1
}
