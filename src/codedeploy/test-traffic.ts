/**
 * `test-command` on a CodeDeploy blue/green deployment: watch until the replacement takes test traffic and the
 * deployment waits (status Ready), run the command, then ContinueDeployment (exit 0) and watch to the end, or
 * StopDeployment with rollback (anything else, a timeout) and follow the rollback.
 */
import {
  ContinueDeploymentCommand,
  StopDeploymentCommand,
  type CodeDeployClient
} from '@aws-sdk/client-codedeploy'
import type { Service } from '@aws-sdk/client-ecs'
import type { CommandContext } from '../commands/types.js'
import { Input } from '../contract.js'
import { runTestCommand, testEndpointEnv } from '../deploy/test-command.js'
import { formatDuration } from '../duration.js'
import { awsErrorName } from '../ecs/live.js'
import { ActionError } from '../errors.js'
import {
  testCommandLogLine,
  testPassed,
  testVerdict,
  type TestCommandAction,
  type TestCommandRun
} from '../report/test-command.js'
import type { DeploymentGroupRef } from './group.js'
import {
  eventKey,
  watchCodeDeploy,
  type CodeDeployWatchOptions,
  type CodeDeployWatchResult
} from './watch.js'

/**
 * Why the group cannot run test-command, said before any write: no test listener (no test traffic reaches
 * the replacement), or production traffic rerouted as soon as the replacement is ready (nothing waits for
 * the command). Undefined when it can.
 */
export function testCommandGroupError(group: DeploymentGroupRef): ActionError | undefined {
  const name = `${group.applicationName}/${group.deploymentGroupName}`
  const pair = group.loadBalancerInfo?.targetGroupPairInfoList?.[0]
  const fix = `aws deploy update-deployment-group --application-name ${group.applicationName} --current-deployment-group-name ${group.deploymentGroupName}`
  if ((pair?.testTrafficRoute?.listenerArns ?? []).length === 0) {
    return new ActionError(
      `test-command needs test traffic, but CodeDeploy deployment group ${name} has no test listener`,
      {
        where: { input: Input.TestCommand },
        hint: `add a test listener to the group's target group pair (${fix} --load-balancer-info 'targetGroupPairInfoList=[{…,testTrafficRoute={listenerArns=[<test listener ARN>]}}]'), or remove test-command`
      }
    )
  }
  if (group.readyAction !== 'STOP_DEPLOYMENT' || (group.readyWaitMinutes ?? 0) <= 0) {
    return new ActionError(
      `test-command needs the deployment to wait before production traffic, but CodeDeploy deployment group ${name} reroutes as soon as the replacement is ready`,
      {
        where: { input: Input.TestCommand },
        hint: `make the group wait for rerouting (${fix} --blue-green-deployment-configuration 'deploymentReadyOption={actionOnTimeout=STOP_DEPLOYMENT,waitTimeInMinutes=60},terminateBlueInstancesOnDeploymentSuccess={action=TERMINATE,terminationWaitTimeInMinutes=5}'), or remove test-command`
      }
    )
  }
  return undefined
}

/** A warning when the group stops waiting before test-timeout is up: CodeDeploy would stop the deployment mid-test. */
export function readyWaitWarning(group: DeploymentGroupRef, testTimeoutMs: number): string | undefined {
  const waitMs = (group.readyWaitMinutes ?? 0) * 60_000
  if (waitMs >= testTimeoutMs) return undefined
  return `deployment group ${group.deploymentGroupName} waits ${formatDuration(waitMs)} for rerouting, less than test-timeout (${formatDuration(testTimeoutMs)}): CodeDeploy stops the deployment if the test command is still running then`
}

export interface TestTrafficArgs {
  readonly ctx: CommandContext
  readonly codedeploy: CodeDeployClient
  /** The watch as a deploy without test-command would run it (waitUntil is set here). */
  readonly watch: Omit<CodeDeployWatchOptions, 'waitUntil'>
  readonly group: DeploymentGroupRef
  readonly service: Service
  readonly command: string
  readonly testTimeoutMs: number
}

export interface TestTrafficResult {
  /** The whole deployment as watched: before the test, and after it. */
  readonly watch: CodeDeployWatchResult
  /** Undefined when the deployment ended before it took test traffic (the command did not run). */
  readonly test: TestCommandRun | undefined
}

/** After the test, the watch has what is left of `timeout`, and at least this long to follow the end. */
const MIN_AFTER_TEST_MS = 60_000

export async function deployWithTestCommand(args: TestTrafficArgs): Promise<TestTrafficResult> {
  const { ctx, codedeploy, watch: base } = args
  const { log, clock } = ctx
  const id = base.deploymentId
  const first = await watchCodeDeploy({ ...base, waitUntil: 'ready' })
  if (first.outcome !== 'ready') {
    if (first.outcome === 'succeeded')
      log.warning(
        `deployment ${id} rerouted production traffic before it waited at Ready: test-command did not run`
      )
    else log.info(`test-command did not run: the deployment ${first.outcome} before it took test traffic`)
    return { watch: first, test: undefined }
  }

  const env = testEndpointEnv({
    controller: 'CODE_DEPLOY',
    cluster: base.cluster,
    service: args.service,
    group: { loadBalancerInfo: args.group.loadBalancerInfo },
    taskDefinitionArn: base.taskDefinitionArn ?? '',
    deploymentId: id
  })
  log.info(
    `the replacement takes test traffic: running test-command (timeout ${formatDuration(args.testTimeoutMs)}) with ${Object.keys(env).join(', ')}`
  )
  const testStarted = clock.now()
  const result = await runTestCommand(ctx, { command: args.command, env, timeoutMs: args.testTimeoutMs })
  const stopOnRequest = base.rollbackEvents.includes('DEPLOYMENT_STOP_ON_REQUEST')
  const action: TestCommandAction = result.cancelled
    ? stopOnRequest
      ? 'cancelled-stopped'
      : 'cancelled-left'
    : testPassed(result)
      ? 'continued'
      : 'rolled-back'
  const test: TestCommandRun = { command: args.command, timeoutMs: args.testTimeoutMs, result, action, env }
  log.info(testCommandLogLine(test))
  const verdict = `test-command ${testVerdict(result, args.testTimeoutMs)}`
  const entries = [
    { at: first.durationMs, kind: 'action' as const, text: 'test-command started' },
    {
      at: first.durationMs + (clock.now() - testStarted),
      kind: 'action' as const,
      text: `${verdict} after ${formatDuration(result.durationMs)}`
    }
  ]

  if (result.cancelled) {
    const reason = typeof ctx.signal?.reason === 'string' ? ctx.signal.reason : 'a cancellation'
    if (!stopOnRequest) {
      return {
        test,
        watch: {
          ...first,
          outcome: 'cancelled',
          timeline: [...first.timeline, ...entries],
          reason: `cancelled by ${reason} while test-command ran; deployment ${id} keeps waiting for rerouting until the group's wait time (${args.group.readyWaitMinutes ?? 0} min) ends, then CodeDeploy stops it`
        }
      }
    }
    const stop = await codedeploy.send(
      new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true })
    )
    return {
      test,
      watch: {
        ...first,
        outcome: 'cancelled',
        stopRequested: true,
        timeline: [...first.timeline, ...entries],
        reason: `cancelled by ${reason} while test-command ran; StopDeployment with rollback was sent (${stop.status ?? 'Pending'}): CodeDeploy rolls deployment ${id} back to the original task set`
      }
    }
  }

  const passed = action === 'continued'
  try {
    if (passed) {
      log.info(`continuing deployment ${id}: rerouting production traffic to the replacement`)
      await codedeploy.send(
        new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })
      )
    } else {
      log.info(`stopping deployment ${id} with rollback`)
      await codedeploy.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }))
    }
  } catch (error) {
    // The group's wait ran out while the command ran: CodeDeploy stopped the deployment itself. The watch
    // below reads what became of it.
    const name = awsErrorName(error)
    if (name !== 'DeploymentIsNotInReadyStateException' && name !== 'DeploymentAlreadyCompletedException')
      throw error
    log.warning(
      `${passed ? 'ContinueDeployment' : 'StopDeployment'}: ${(error as Error).message} (the group's wait for rerouting ended while test-command ran)`
    )
  }
  const entry = passed ? 'ContinueDeployment (READY_WAIT) sent' : 'StopDeployment with rollback sent'
  const afterAt = first.durationMs + (clock.now() - testStarted)
  const seen = new Set([...(base.seenEvents ?? []), ...first.serviceEvents.map(eventKey)])
  const second = await watchCodeDeploy({
    ...base,
    waitUntil: 'succeeded',
    timeoutMs: Math.max(base.timeoutMs - first.durationMs, MIN_AFTER_TEST_MS),
    seenEvents: seen,
    // Our stop is sent: the watch must not send another on its own timeout or a cancellation.
    rollbackEvents: passed
      ? base.rollbackEvents
      : base.rollbackEvents.filter(e => e !== 'DEPLOYMENT_STOP_ON_REQUEST'),
    stopRequested: !passed,
    resumeFrom: first
  })
  // Our own stop needs no CodeDeploy error to explain it: the test's verdict does.
  const rolledBackBy = second.rollback?.deploymentId
  const reason = passed
    ? second.reason
    : second.outcome === 'rolled-back'
      ? `${verdict}; the deployment was stopped and rolled back${rolledBackBy === undefined ? '' : ` by deployment ${rolledBackBy}`}`
      : `${verdict}; the deployment was stopped with rollback; ${second.reason}`
  return {
    test,
    watch: {
      ...second,
      reason,
      lifecycleEvents: second.lifecycleEvents.length > 0 ? second.lifecycleEvents : first.lifecycleEvents,
      taskSets: second.taskSets.length > 0 ? second.taskSets : first.taskSets,
      timeline: [
        ...first.timeline,
        ...entries,
        { at: afterAt, kind: 'action', text: entry },
        ...second.timeline.map(t => ({ ...t, at: t.at + afterAt }))
      ],
      serviceEvents: [...first.serviceEvents, ...second.serviceEvents],
      stopRequested: !passed || second.stopRequested,
      durationMs: afterAt + second.durationMs
    }
  }
}
