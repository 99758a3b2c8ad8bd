/**
 * `command: rollback` for a CODE_DEPLOY service, as ecspresso's RollbackByCodeDeploy: a deployment in
 * progress for the group is stopped with auto-rollback (CodeDeploy returns traffic to the original task set);
 * with none, the previous revision is deployed blue/green like any deploy.
 */
import { GetDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy'
import { parse } from 'yaml'
import { Output, type Status } from '../contract.js'
import { deploymentConsoleUrl } from '../codedeploy/deployment.js'
import { findDeploymentGroup } from '../codedeploy/group.js'
import { findActiveDeployment } from '../codedeploy/in-progress.js'
import { watchCodeDeploy, eventKey, type CodeDeployOutcome } from '../codedeploy/watch.js'
import { shortTaskDefinition } from '../ecs/task-definition.js'
import { annotateErrors, awsActionError, isAwsError } from '../report/aws-errors.js'
import { details } from '../report/markdown.js'
import { finish, type Plan } from './rollback.js'
import type { CommandResult } from './types.js'
import { readOnly } from './steps.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000

export async function rollbackBlueGreen(
  base: Omit<Plan, 'target'>,
  findTarget: () => Promise<string>
): Promise<CommandResult> {
  const plan: Plan = { ...base, target: base.current }
  const { ctx, project, clients, cluster, service } = plan
  const { inputs, log } = ctx
  const codedeploy = annotateErrors(await clients.codedeploy())
  const group = await readOnly(() =>
    findDeploymentGroup({
      codedeploy,
      cluster,
      service,
      config: project.config.codedeploy,
      configFile: project.config.path,
      debug: message => log.debug(message)
    })
  )
  const active = await readOnly(() => findActiveDeployment(codedeploy, group))
  const timeoutMs = inputs.timeoutMs ?? project.config.timeoutMs ?? DEFAULT_TIMEOUT_MS

  if (active !== undefined && !active.rollback) {
    // What the deployment in progress deploys is the revision rolled back from (the service's is the original's).
    const info = await readOnly(
      async () =>
        (await codedeploy.send(new GetDeploymentCommand({ deploymentId: active.id }))).deploymentInfo
    )
    const from = appSpecTaskDefinition(info?.revision?.appSpecContent?.content) ?? plan.current
    const stopPlan: Plan = { ...plan, current: from, target: plan.current }
    const method = `StopDeployment with auto-rollback of CodeDeploy deployment ${active.id} (${active.status ?? 'active'})`
    log.info(`rolling back ${service}: ${method}`)
    if (inputs.dryRun) return finish(stopPlan, dryRun(stopPlan, method))
    await codedeploy.send(new StopDeploymentCommand({ deploymentId: active.id, autoRollbackEnabled: true }))
    const extraOutputs = {
      [Output.CodedeployDeploymentId]: active.id,
      [Output.ConsoleUrl]: deploymentConsoleUrl(clients.region, active.id)
    }
    if (!inputs.wait)
      return finish(stopPlan, {
        status: 'started',
        method,
        to: plan.current,
        running: plan.current,
        deploymentId: active.id,
        state: `StopDeployment was sent; CodeDeploy rolls deployment ${active.id} back to ${shortTaskDefinition(plan.current)}`,
        failure: undefined,
        warnings: [],
        extraOutputs
      })
    const ecs = plan.ecs
    const watch = await log.group(`Waiting for CodeDeploy to roll back deployment ${active.id}`, () =>
      watchCodeDeploy({
        codedeploy,
        ecs,
        clock: ctx.clock,
        log,
        cluster,
        service,
        deploymentId: active.id,
        timeoutMs,
        waitUntil: 'succeeded',
        rollbackEvents: ['DEPLOYMENT_STOP_ON_REQUEST'],
        hooks: [],
        pollMs: ctx.pollIntervalMs,
        seenEvents: new Set((plan.live.events ?? []).map(eventKey)),
        signal: ctx.signal
      })
    )
    const status = stopStatus(watch.outcome)
    return finish(stopPlan, {
      status,
      method,
      to: plan.current,
      running: status === 'rolled-back' ? plan.current : undefined,
      deploymentId: watch.rollback?.deploymentId ?? active.id,
      state: watch.reason,
      failure:
        status === 'rolled-back'
          ? undefined
          : `the rollback of deployment ${active.id} ${status}: ${watch.reason}`,
      warnings: [],
      extraOutputs
    })
  }

  // No deployment to stop: deploy the previous revision blue/green. The service definition is left out, so
  // the rollback changes the task definition only (the AppSpec takes the load balancer from the live service).
  return deployPrevious(
    { ...plan, target: await findTarget() },
    active?.rollback === true ? active.id : undefined
  )
}

async function deployPrevious(plan: Plan, rollingBack: string | undefined): Promise<CommandResult> {
  const { ctx, project, clients, service } = plan
  const { inputs, log } = ctx
  const method = `a CodeDeploy blue/green deployment of ${shortTaskDefinition(plan.target)}`
  if (rollingBack !== undefined)
    log.info(`CodeDeploy is already rolling back (${rollingBack}); a deployment follows it`)
  log.info(`rolling back ${service}: ${method}`)
  if (inputs.dryRun) return finish(plan, dryRun(plan, method))
  const { deployWithCodeDeploy } = await import('../codedeploy/index.js')
  const live = { service: plan.live, taskDefinition: undefined, taskDefinitionTags: [], serviceTags: [] }
  let deployed: CommandResult
  try {
    deployed = await deployWithCodeDeploy({
      ctx,
      project: { ...project, serviceDefinition: undefined },
      live,
      taskDefinitionArn: plan.target,
      clients
    })
  } catch (error) {
    throw isAwsError(error) ? awsActionError(error) : error
  }
  const status: Status = deployed.status === 'succeeded' ? 'rolled-back' : deployed.status
  return finish(plan, {
    status,
    method,
    to: plan.target,
    running: deployed.outputs[Output.TaskDefinitionArn],
    deploymentId: deployed.outputs[Output.CodedeployDeploymentId],
    state:
      status === 'rolled-back'
        ? `${shortTaskDefinition(plan.target)} runs again (CodeDeploy deployment ${deployed.outputs[Output.CodedeployDeploymentId] ?? ''} succeeded)`
        : `the CodeDeploy deployment of ${shortTaskDefinition(plan.target)} ended ${deployed.status}`,
    failure: deployed.failure,
    warnings: [],
    extraOutputs: {
      [Output.CodedeployDeploymentId]: deployed.outputs[Output.CodedeployDeploymentId],
      [Output.ConsoleUrl]: deployed.outputs[Output.ConsoleUrl]
    },
    extraSummary: details('The CodeDeploy deployment', deployed.summary)
  })
}

function dryRun(plan: Plan, method: string) {
  return {
    status: 'dry-run' as const,
    method,
    to: plan.target,
    running: plan.current,
    deploymentId: undefined,
    state: `a rollback would go from ${shortTaskDefinition(plan.current)} to ${shortTaskDefinition(plan.target)}; nothing was changed`,
    failure: undefined,
    warnings: []
  }
}

/** A stop with rollback ends well when CodeDeploy's rollback deployment succeeded. */
function stopStatus(outcome: CodeDeployOutcome): Status {
  switch (outcome) {
    case 'rolled-back':
      return 'rolled-back'
    case 'succeeded':
      // The deployment finished before the stop took: the revision rolled back from runs.
      return 'failed'
    case 'ready':
      return 'failed'
    default:
      return outcome
  }
}

/** The TaskDefinition of the AppSpec a deployment was created with (YAML or JSON). */
export function appSpecTaskDefinition(content: string | undefined): string | undefined {
  if (content === undefined) return undefined
  try {
    // Resources: [{ TargetService: { Type: AWS::ECS::Service, Properties: { TaskDefinition, … } } }]
    const doc = parse(content) as {
      Resources?: Record<string, { Properties?: { TaskDefinition?: unknown } }>[]
    }
    for (const resource of doc.Resources ?? []) {
      for (const value of Object.values(resource)) {
        const td = value.Properties?.TaskDefinition
        if (typeof td === 'string') return td
      }
    }
  } catch {
    // Unreadable: the service's own revision stands in.
  }
  return undefined
}
