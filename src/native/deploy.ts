/**
 * `command: deploy` for ECS-native blue/green, linear and canary services (deploymentConfiguration.strategy
 * BLUE_GREEN, LINEAR, CANARY on the ECS controller): plan read-only, register, one UpdateService (or
 * CreateService), then follow the service deployment's lifecycle stages and hooks (native/step.ts), end at a
 * PAUSE hook with `wait-until: paused`, roll back as `rollback-events` asks, and report through
 * decideOutcome with the stage timeline.
 */
import { ListServiceDeploymentsCommand, type ECSClient } from '@aws-sdk/client-ecs'
import type { AwsClients } from '../aws/clients.js'
import { makeDeployId, projectTaskDefinition, planServiceCount, signalName } from '../commands/steps.js'
import type { CommandContext, CommandResult } from '../commands/types.js'
import { Input, Output } from '../contract.js'
import { decideOutcome, hasWritten, newRecord, type Ending } from '../deploy/outcome.js'
import { ineffectiveRollbackEvents } from '../deploy/rollback-events.js'
import { applyServiceChange } from '../deploy/apply-service.js'
import { errorEnding } from '../deploy/step-errors.js'
import type { LiveState } from '../ecs/live.js'
import type { Applied } from '../ecs/rolling.js'
import type { DesiredCountPlan } from '../ecs/service-input.js'
import type { ResolvedTaskDefinition } from '../ecs/task-definition.js'
import { ActionError } from '../errors.js'
import type { Project } from '../project.js'
import { annotateErrors, awsActionError, isAwsError } from '../report/aws-errors.js'
import { deployOutputs, deploySummary, imageChanges } from '../report/deploy.js'
import { nativeOutcomeMarkdown } from '../report/native.js'
import { effectiveConfiguration, nativePlan, type NativePlan } from './config.js'
import {
  afterNativeEnding,
  followDeployment,
  observeNative,
  type NativeStep,
  type PauseHandler
} from './step.js'
import { newTimeline } from './timeline.js'
import { runTestCommand, testEndpointEnv } from '../deploy/test-command.js'
import { formatDuration } from '../duration.js'
import {
  testCommandLogLine,
  testCommandMarkdown,
  testPassed,
  testVerdict,
  type TestCommandRun
} from '../report/test-command.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000

/** The stage a test-command runs at: after test traffic reaches green, before production traffic moves. */
export const TEST_STAGE = 'POST_TEST_TRAFFIC_SHIFT'

/**
 * Runs the test command at the PAUSE hook (supplied by the test-command wiring); undefined without
 * `test-command`.
 */
export type PauseTest =
  { readonly command: string; readonly handle: PauseHandler; readonly runs: TestCommandRun[] } | undefined

/** Input checks that need the deployment configuration; before any write. */
export function checkNativeInputs(ctx: CommandContext, plan: NativePlan, test: PauseTest): void {
  const { inputs, log } = ctx
  if (inputs.waitUntil === 'paused' && !inputs.wait)
    throw new ActionError('wait-until: paused needs wait: true (the step waits for the pause)', {
      where: { input: Input.WaitUntil },
      hint: 'remove wait: false, or remove wait-until'
    })
  if (inputs.waitUntil === 'paused' && plan.pauses.length === 0)
    throw new ActionError(
      `wait-until: paused, but the service's ${plan.strategy} deployment has no PAUSE lifecycle hook: it would never pause`,
      {
        where: { input: Input.WaitUntil },
        hint: "add a hook to the service definition's deploymentConfiguration.lifecycleHooks, e.g. { targetType: PAUSE, lifecycleStages: [POST_TEST_TRAFFIC_SHIFT] }; or remove wait-until"
      }
    )
  if (test !== undefined && !plan.pauses.includes(TEST_STAGE))
    throw new ActionError(
      `test-command runs at a PAUSE hook at ${TEST_STAGE}, but the service's ${plan.strategy} deployment has none`,
      {
        hint: `add { targetType: PAUSE, lifecycleStages: [${TEST_STAGE}] } to the service definition's deploymentConfiguration.lifecycleHooks`
      }
    )
  if (test !== undefined && inputs.waitUntil === 'paused')
    throw new ActionError('test-command and wait-until: paused cannot both answer the PAUSE hook', {
      where: { input: Input.WaitUntil },
      hint: 'remove wait-until to let the test decide, or remove test-command to end the step at the pause'
    })
  if (inputs.waitUntil === 'ready')
    log.warning(
      'wait-until: ready applies to CodeDeploy blue/green; an ECS-native deployment pauses at a PAUSE hook (wait-until: paused)'
    )
  if (inputs.codedeployInProgress !== 'fail')
    log.warning(
      'codedeploy-in-progress applies to CodeDeploy blue/green services only; this deploy ignores it'
    )
}

export async function deployNative(
  ctx: CommandContext,
  project: Project,
  live: LiveState,
  clients: AwsClients,
  test: PauseTest = undefined
): Promise<CommandResult> {
  const { config } = project
  const { inputs, log, clock } = ctx
  const cluster = config.cluster
  const serviceName = config.service!
  const ecs = annotateErrors(await clients.ecs())
  const started = clock.now()
  const plan = nativePlan(
    effectiveConfiguration(
      live.service?.deploymentConfiguration,
      project.serviceDefinition?.deploymentConfiguration
    )
  )
  if (plan === undefined) throw new ActionError('not an ECS-native blue/green, linear or canary service')
  checkNativeInputs(ctx, plan, test)
  for (const warning of ineffectiveRollbackEvents('native', inputs.rollbackEvents)) log.warning(warning)

  const desired = await planServiceCount(ctx, project, live, clients)
  log.info(
    `ECS-native ${plan.strategy} deployment${plan.pauses.length ? `; PAUSE hooks at ${plan.pauses.join(', ')}` : ''}`
  )

  const step: NativeStep = {
    ctx,
    ecs,
    cluster,
    service: serviceName,
    plan,
    timeoutMs: inputs.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    record: newRecord(
      live.service?.taskDefinition,
      (live.service?.deployments ?? []).map(d => d.id ?? '')
    ),
    timeline: newTimeline(started),
    serviceDeploymentArn: undefined,
    last: live.service,
    lastDeployment: undefined,
    pausedAt: undefined,
    rollback: undefined,
    awsError: undefined,
    cancelledBy: undefined
  }
  let resolved: ResolvedTaskDefinition | undefined
  let applied: Applied | undefined
  let ending: Ending
  try {
    ;({ resolved, applied, ending } = await applyAndFollow(step, project, live, desired, test))
  } catch (error) {
    if (!hasWritten(step.record)) throw isAwsError(error) ? awsActionError(error) : error
    ending = errorEnding(step, error)
  }
  await afterNativeEnding(step, ending)
  const { observed, fresh } = await observeNative(step)
  const outcome = decideOutcome({
    record: step.record,
    ending,
    live: observed,
    cancelledBy: step.cancelledBy
  })
  const warnings = [...outcome.warnings]
  if (!fresh && observed !== undefined)
    warnings.push('the service could not be read again at the end; the state shown is the last one seen')
  const report = {
    status: outcome.status,
    region: config.region,
    cluster,
    service: serviceName,
    serviceArn: applied?.service.serviceArn ?? live.service?.serviceArn,
    created: applied?.created ?? false,
    targetTaskDefinitionArn: step.record.target,
    previousTaskDefinitionArn: step.record.previous,
    runningTaskDefinitionArn: outcome.running,
    registeredTaskDefinitionArn: step.record.registered,
    registered: resolved?.registered ?? false,
    imageChanges: imageChanges(live.taskDefinition, resolved?.taskDefinition),
    deploymentId: step.record.update?.deploymentId,
    desiredCount: desired,
    tagChanges: applied?.tagChanges,
    waited: inputs.wait,
    watch: undefined,
    rollback: undefined,
    durationMs: clock.now() - started,
    definitionsUnchanged: resolved?.reused === true && applied?.skipped === true,
    hasChanges:
      applied === undefined
        ? undefined
        : applied.created || resolved?.arn !== step.record.previous || applied.serviceChanged === true,
    failure: outcome.failure,
    state: outcome.state,
    warnings,
    superseder:
      outcome.supersededBy === undefined
        ? undefined
        : {
            deploymentId: outcome.supersededBy.id,
            taskDefinitionArn: outcome.supersededBy.taskDefinition,
            createdAt: outcome.supersededBy.createdAt,
            startedBy: undefined
          },
    awsError: step.awsError
  }
  for (const warning of warnings) log.warning(warning)
  log.info(outcome.failure ?? `${outcome.status}: ${outcome.state}`)
  if (outcome.failure !== undefined) log.info(`now: ${outcome.state}`)
  return {
    status: outcome.status,
    outputs: { ...deployOutputs(report), ...nativeOutputs(step) },
    summary: [
      deploySummary(report),
      nativeOutcomeMarkdown(step, clock.now()),
      ...(test?.runs ?? []).map(testCommandMarkdown)
    ].join('\n'),
    failure: outcome.failure
  }
}

/** `service-deployment-arn`, `lifecycle-stage`, and `hook-id` when the step ended at a PAUSE hook. */
export function nativeOutputs(step: NativeStep): Record<string, string> {
  const outputs: Record<string, string> = {}
  if (step.serviceDeploymentArn !== undefined)
    outputs[Output.ServiceDeploymentArn] = step.serviceDeploymentArn
  const stage = step.pausedAt?.stage ?? step.lastDeployment?.lifecycleStage
  if (stage !== undefined) outputs[Output.LifecycleStage] = stage
  if (step.pausedAt !== undefined) outputs[Output.HookId] = step.pausedAt.hookId
  return outputs
}

async function applyAndFollow(
  step: NativeStep,
  project: Project,
  live: LiveState,
  desired: DesiredCountPlan | undefined,
  test: PauseTest
): Promise<{ resolved: ResolvedTaskDefinition; applied: Applied | undefined; ending: Ending }> {
  const { ctx, ecs, cluster, service, record } = step
  const { inputs, log } = ctx
  const deployId = makeDeployId(ctx)
  const resolved = await projectTaskDefinition(ctx, project, ecs, live, deployId)
  log.info(`${resolved.registered ? 'registered' : 'deploying'} task definition ${resolved.arn}`)
  record.target = resolved.arn
  if (resolved.registered) record.registered = resolved.arn
  const cancelled = (): Ending => ({ kind: 'cancelled', signal: signalName(ctx) })
  if (ctx.signal?.aborted) return { resolved, applied: undefined, ending: cancelled() }

  const applied = await applyServiceChange({
    ctx,
    ecs,
    cluster,
    service,
    record,
    project,
    live,
    desired,
    taskDefinitionArn: resolved.arn,
    deployId
  })
  step.last = applied.service
  if (applied.skipped === true) return { resolved, applied, ending: { kind: 'unchanged' } }
  step.serviceDeploymentArn =
    applied.serviceDeploymentArn ?? (await newestServiceDeployment(ecs, cluster, service))
  if (step.serviceDeploymentArn !== undefined) log.info(`service deployment ${step.serviceDeploymentArn}`)
  if (!inputs.wait) {
    log.info('not waiting for the deployment (wait: false)')
    return { resolved, applied, ending: { kind: 'not-waited' } }
  }
  const ending = await log.group(`Following the ${step.plan?.strategy ?? ''} service deployment`, () =>
    followDeployment(step, { endAtPause: inputs.waitUntil === 'paused', onPause: test?.handle })
  )
  return { resolved, applied, ending }
}

/** The service deployment an UpdateService just started, where its reply names none: the newest listed. */
async function newestServiceDeployment(
  ecs: ECSClient,
  cluster: string,
  service: string
): Promise<string | undefined> {
  const out = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service, maxResults: 1 }))
  return out.serviceDeployments?.[0]?.serviceDeploymentArn
}

/**
 * test-command at the PAUSE hook: run it with the test endpoint's variables; exit 0 answers CONTINUE, anything
 * else (or its timeout) ROLLBACK. Cancelled, it answers nothing: rollback-events decides (afterNativeEnding).
 */
export function pauseTestFor(ctx: CommandContext): PauseTest {
  const command = ctx.inputs.testCommand
  if (command === undefined) return undefined
  const runs: TestCommandRun[] = []
  const timeoutMs = ctx.inputs.testTimeoutMs
  const handle: PauseHandler = async (hook, step) => {
    const env = testEndpointEnv({
      controller: 'ECS',
      service: step.last ?? {},
      taskDefinitionArn: step.record.target ?? '',
      deploymentId: step.serviceDeploymentArn ?? ''
    })
    ctx.log.info(
      `running test-command at the PAUSE hook ${hook.hookId} (${hook.stage}), for up to ${formatDuration(timeoutMs)}`
    )
    const result = await runTestCommand(ctx, { command, env, timeoutMs })
    const passed = testPassed(result)
    const stop = ctx.inputs.rollbackEvents.includes('DEPLOYMENT_STOP_ON_REQUEST')
    const action: TestCommandRun['action'] = result.cancelled
      ? stop
        ? 'cancelled-stopped'
        : 'cancelled-left'
      : passed
        ? 'continued'
        : 'rolled-back'
    const run: TestCommandRun = { command, timeoutMs, result, action, env }
    runs.push(run)
    ctx.log.info(testCommandLogLine(run))
    const verdict = `test-command ${testVerdict(result, timeoutMs)}`
    step.timeline.notes.push({
      at: ctx.clock.now() - step.timeline.origin,
      text: `${verdict} at ${hook.stage}`
    })
    return passed
      ? { action: 'CONTINUE', answer: verdict }
      : { action: 'ROLLBACK', answer: verdict, reason: `${verdict} at the PAUSE hook at ${hook.stage}` }
  }
  return { command, handle, runs }
}
