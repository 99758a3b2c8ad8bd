/**
 * `dry-run: true`: compare the rendered definitions with what runs, report the diff (log, outputs, job summary,
 * PR comment) and write nothing to AWS. Reads: DescribeServices, DescribeTaskDefinition (with tags).
 */
import { relative } from 'node:path'
import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type Tag,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { Output } from '../contract.js'
import { checkAgainstLiveService } from '../definitions/index.js'
import { desiredCountWarning, withDesiredCount } from '../deploy/desired-count.js'
import { keepRevisionsDryRun } from '../deploy/keep-revisions.js'
import { planDiff, type DiffPlan } from '../diff/plan.js'
import { readScalableRange } from '../ecs/autoscaling.js'
import { awsErrorName, describeLive, type LiveState } from '../ecs/live.js'
import { planDesiredCount } from '../ecs/service-input.js'
import { ActionError } from '../errors.js'
import { commentLinks, commentMeta, postPlanComment } from '../github/plan-comment.js'
import type { Project } from '../project.js'
import { codeBlock } from '../report/markdown.js'
import { dryRunSummary, dryRunVerdict, planName } from '../report/dry-run.js'
import { prCommentBody } from '../report/pr-comment.js'
import { secrets } from '../report/sink.js'
import { mutableTagWarnings } from '../verify/image.js'
import type { CommandContext, CommandResult } from './types.js'

export async function runDryRun(ctx: CommandContext, project: Project): Promise<CommandResult> {
  const { config } = project
  const ecs = await ctx.awsClients(config.region).ecs()
  const live = await readLive(ecs, project)
  checkAgainstLiveService(project, live.service)
  for (const warning of mutableTagWarnings(project.taskDefinition)) ctx.log.warning(warning)
  const serviceDefinition = await serviceAsDeployed(ctx, project, live)

  const codeDeploy =
    config.codedeploy !== undefined ||
    live.service?.deploymentController?.type === 'CODE_DEPLOY' ||
    project.serviceDefinition?.deploymentController?.type === 'CODE_DEPLOY'
  const plan = planDiff({
    cluster: config.cluster,
    service: config.service,
    config: shownPath(config.path),
    local: {
      taskDefinition: project.taskDefinition,
      taskDefinitionPath: project.taskDefinitionPath,
      // A service definition only means something with a service to apply it to.
      serviceDefinition,
      serviceDefinitionPath: project.serviceDefinitionPath
    },
    live: {
      service: live.service,
      taskDefinition: live.taskDefinition,
      taskDefinitionTags: live.taskDefinitionTags
    },
    ignoreTags: config.ignore.tags,
    codeDeploy,
    redact: ctx.inputs.redact,
    secrets
  })

  const verdict = dryRunVerdict(plan)
  ctx.log.info(verdict)
  if (plan.diff !== '')
    await ctx.log.group('Diff (live → local)', () => Promise.resolve(ctx.log.info(plan.diff)))

  await commentOnPullRequest(ctx, plan)

  // Blue/green: also the deployment group a deploy would use and its AppSpec (read-only).
  // A problem there would stop the deploy; the dry run still reports the diff and says so.
  let blueGreen = ''
  if (live.service?.deploymentController?.type === 'CODE_DEPLOY') {
    try {
      blueGreen = await planBlueGreen(ctx, project, live)
    } catch (error) {
      if (!(error instanceof ActionError)) throw error
      ctx.log.warning(`a deploy would stop here: ${error.describe()}`, error.where)
      blueGreen = `### CodeDeploy blue/green\n\n⚠️ A deploy would stop here:\n\n${codeBlock(error.describe())}`
    }
  }

  const native = (await import('../native/dry-run.js')).nativeDryRun(ctx, project, live)

  const kept = await keepRevisionsDryRun(
    ctx,
    ecs,
    live.taskDefinition?.taskDefinitionArn,
    plan.taskDefinition?.changed ?? false
  )
  return {
    status: 'dry-run',
    outputs: {
      [Output.Status]: 'dry-run',
      [Output.HasChanges]: String(plan.hasChanges),
      [Output.Diff]: plan.diff,
      ...(live.service?.serviceArn ? { [Output.ServiceArn]: live.service.serviceArn } : {}),
      ...(live.taskDefinition?.taskDefinitionArn && live.service
        ? { [Output.TaskDefinitionArn]: live.taskDefinition.taskDefinitionArn }
        : {})
    },
    summary: [dryRunSummary(plan), blueGreen, native, kept ?? ''].filter(part => part !== '').join('\n\n'),
    plan
  }
}

async function planBlueGreen(ctx: CommandContext, project: Project, live: LiveState): Promise<string> {
  const { planCodeDeploy } = await import('../codedeploy/index.js')
  const { codedeployPlanMarkdown, inProgressNotice } = await import('../report/codedeploy.js')
  // The revision a deploy would register: one after the live one.
  const liveArn = live.taskDefinition?.taskDefinitionArn
  const next = liveArn?.replace(/:(\d+)$/, (_, revision: string) => `:${Number(revision) + 1}`)
  const plan = await planCodeDeploy({
    ctx,
    project,
    live,
    taskDefinitionArn: next ?? `${project.taskDefinition?.family ?? 'task-definition'}:(next revision)`,
    clients: ctx.awsClients(project.config.region),
    dryRun: true
  })
  if (plan.inProgress !== undefined)
    ctx.log.warning(inProgressNotice(plan.inProgress, ctx.inputs.codedeployInProgress))
  ctx.log.info(
    `CodeDeploy: deployment group ${plan.group.applicationName}/${plan.group.deploymentGroupName} would deploy this AppSpec:`
  )
  ctx.log.info(plan.appSpec)
  return codedeployPlanMarkdown(plan, ctx.inputs.codedeployInProgress)
}

/**
 * The service definition as a deploy would apply it: the desired count a deploy would send (none when auto
 * scaling owns it or the file leaves it out, so it is not compared). A service definition only means
 * something with a service to apply it to.
 */
async function serviceAsDeployed(ctx: CommandContext, project: Project, live: LiveState) {
  const { config, serviceDefinition } = project
  if (config.service === undefined || serviceDefinition === undefined) return undefined
  if (live.service === undefined) return withDesiredCount(serviceDefinition, ctx.inputs.desiredCount)
  const scaling = await ctx.awsClients(config.region).autoScaling()
  const range = await readScalableRange(scaling, config.cluster, config.service, ctx.log)
  const desired = planDesiredCount(serviceDefinition, live.service, range, ctx.inputs.desiredCount)
  const note = desiredCountWarning(desired, range)
  if (note !== undefined) ctx.log.warning(note)
  if (desired.reason === 'auto-scaling' && serviceDefinition.desiredCount != null) {
    ctx.log.info(
      `desiredCount: auto scaling (min ${range?.min ?? '?'}, max ${range?.max ?? '?'}) owns it, so the file's ` +
        `${serviceDefinition.desiredCount} is not applied` +
        (desired.send === undefined ? '' : `; a deploy moves it into the range: ${desired.send}`)
    )
  }
  const { desiredCount: _omitted, ...rest } = serviceDefinition
  return desired.send === undefined ? rest : { ...rest, desiredCount: desired.send }
}

/**
 * The live service and the task definition to compare with: the one the service runs, or (no service yet, or
 * none in the config) the family's latest active revision, as ecspresso does.
 */
async function readLive(ecs: ECSClient, project: Project): Promise<LiveState> {
  const { config } = project
  let live: LiveState = {
    service: undefined,
    taskDefinition: undefined,
    taskDefinitionTags: [],
    serviceTags: []
  }
  if (config.service !== undefined) live = await describeLive(ecs, config.cluster, config.service)
  const family = project.taskDefinition?.family
  if (live.taskDefinition === undefined && family !== undefined) {
    const latest = await latestRevision(ecs, family)
    if (latest) live = { ...live, taskDefinition: latest.taskDefinition, taskDefinitionTags: latest.tags }
  }
  return live
}

async function latestRevision(
  ecs: ECSClient,
  family: string
): Promise<{ taskDefinition: TaskDefinition; tags: Tag[] } | undefined> {
  try {
    const out = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] })
    )
    return out.taskDefinition ? { taskDefinition: out.taskDefinition, tags: out.tags ?? [] } : undefined
  } catch (error) {
    // A family never registered: everything is new.
    if (awsErrorName(error) === 'ClientException') return undefined
    throw error
  }
}

async function commentOnPullRequest(ctx: CommandContext, plan: DiffPlan): Promise<void> {
  const meta = commentMeta(ctx, { cluster: plan.cluster, service: planName(plan), config: plan.config })
  await postPlanComment(ctx, meta, m => prCommentBody(plan, m, commentLinks(ctx)))
}

function shownPath(absolute: string): string {
  return relative(process.cwd(), absolute) || absolute
}
