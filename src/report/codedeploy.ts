/** Job summary and outputs of a CodeDeploy blue/green deploy, and the dry run's section for one. */
import type { ServiceEvent } from '@aws-sdk/client-ecs'
import type { DeploymentGroupRef } from '../codedeploy/group.js'
import type { ActiveDeployment } from '../codedeploy/in-progress.js'
import type { CodeDeployWatchResult } from '../codedeploy/watch.js'
import { Output, type OutputName, type Status } from '../contract.js'
import { failureCause } from '../ecs/diagnostics.js'
import { stoppedTasksMarkdown } from './causes.js'
import { formatDuration } from '../duration.js'
import { codeBlock, details, escapeHtml, inlineCode, table, truncate } from './markdown.js'
import { testCommandMarkdown, testPassed, testVerdict, type TestCommandRun } from './test-command.js'

export interface CodeDeployReport {
  readonly status: Status
  readonly cluster: string
  readonly service: string
  readonly serviceArn: string | undefined
  readonly region: string
  readonly group: DeploymentGroupRef
  /** Undefined when no deployment was created. */
  readonly deploymentId: string | undefined
  readonly consoleUrl: string | undefined
  readonly taskDefinitionArn: string
  readonly previousTaskDefinitionArn: string | undefined
  readonly appSpec: string
  /** Service fields applied with UpdateService before the deployment. */
  readonly serviceUpdated: readonly string[]
  /** A deployment that was waited for or stopped first. */
  readonly cleared:
    | { readonly id: string; readonly action: 'waited' | 'stopped'; readonly status: string | undefined }
    | undefined
  /** Undefined when the step did not wait. */
  readonly watch: CodeDeployWatchResult | undefined
  /** Why the step fails, if it does. */
  readonly failure: string | undefined
  /** test-command, when it ran. */
  readonly test?: TestCommandRun | undefined
}

const HEADLINE: Partial<Record<Status, string>> = {
  succeeded: '✅ Blue/green deployment succeeded',
  ready: '⏸️ Replacement ready for testing; waiting for rerouting',
  failed: '❌ Blue/green deployment failed',
  'rolled-back': '↩️ Blue/green deployment rolled back',
  'rolling-back': '↩️ Blue/green deployment failed; CodeDeploy is still rolling back',
  'timed-out': '⌛ Blue/green deployment timed out',
  cancelled: '🛑 Blue/green deployment cancelled'
}

/** The task definition the service runs after the step: the new one unless the deployment did not take. */
export function resultingTaskDefinition(
  report: Pick<CodeDeployReport, 'status' | 'taskDefinitionArn' | 'previousTaskDefinitionArn'>
): string {
  const kept =
    report.status === 'failed' ||
    report.status === 'rolled-back' ||
    report.status === 'rolling-back' ||
    report.status === 'timed-out' ||
    report.status === 'cancelled'
  return kept && report.previousTaskDefinitionArn !== undefined
    ? report.previousTaskDefinitionArn
    : report.taskDefinitionArn
}

export function codedeployOutputs(report: CodeDeployReport): Partial<Record<OutputName, string>> {
  const outputs: Partial<Record<OutputName, string>> = {
    [Output.Status]: report.status,
    [Output.TaskDefinitionArn]: resultingTaskDefinition(report)
  }
  if (report.previousTaskDefinitionArn !== undefined)
    outputs[Output.PreviousTaskDefinitionArn] = report.previousTaskDefinitionArn
  if (report.serviceArn !== undefined) outputs[Output.ServiceArn] = report.serviceArn
  if (report.deploymentId !== undefined) {
    outputs[Output.DeploymentId] = report.deploymentId
    outputs[Output.CodedeployDeploymentId] = report.deploymentId
  }
  if (report.consoleUrl !== undefined) outputs[Output.ConsoleUrl] = report.consoleUrl
  return outputs
}

/** GitHub refuses job summaries over 1 MiB; stay well under it. */
const SUMMARY_LIMIT = 200_000

export function codedeploySummary(report: CodeDeployReport): string {
  const lines: string[] = []
  const headline =
    report.watch === undefined && report.failure === undefined
      ? '🚀 Blue/green deployment created (not waited for)'
      : (HEADLINE[report.status] ?? `Blue/green deployment: ${report.status}`)
  lines.push(`## ${headline}: ${escapeHtml(report.service)}`, '')
  const cause =
    report.test !== undefined && !testPassed(report.test.result)
      ? `test-command ${testVerdict(report.test.result, report.test.timeoutMs)}`
      : report.watch === undefined
        ? undefined
        : codedeployCause(report.watch)
  if (cause !== undefined) lines.push(`**Cause:** ${escapeHtml(cause)}`, '')
  if (report.failure !== undefined) lines.push(`> ${escapeHtml(report.failure).replace(/\n/g, '\n> ')}`, '')

  const deployment =
    report.deploymentId === undefined
      ? '(none created)'
      : report.consoleUrl === undefined
        ? inlineCode(report.deploymentId)
        : `[${escapeHtml(report.deploymentId)}](${report.consoleUrl})`
  const facts: string[][] = [
    ['Service', `${inlineCode(report.service)} on ${inlineCode(report.cluster)}`],
    [
      'CodeDeploy',
      `${inlineCode(`${report.group.applicationName}/${report.group.deploymentGroupName}`)}${report.group.source === 'discovered' ? ' (found by its ECS service)' : ''}`
    ],
    ['Deployment', deployment],
    [
      'Deployment config',
      report.group.deploymentConfigName === undefined
        ? '(group default)'
        : inlineCode(report.group.deploymentConfigName)
    ],
    ['Task definition', inlineCode(shortArn(report.taskDefinitionArn))]
  ]
  if (report.previousTaskDefinitionArn !== undefined)
    facts.push(['Previous', inlineCode(shortArn(report.previousTaskDefinitionArn))])
  if (report.watch !== undefined) facts.push(['Duration', formatDuration(report.watch.durationMs)])
  if (report.serviceUpdated.length > 0)
    facts.push(['Service updated first', report.serviceUpdated.map(f => inlineCode(f)).join(', ')])
  if (report.cleared !== undefined) {
    facts.push([
      'Earlier deployment',
      `${inlineCode(report.cleared.id)} ${report.cleared.action === 'stopped' ? 'stopped with rollback' : 'waited for'} (${report.cleared.status ?? 'ended'})`
    ])
  }
  lines.push(table(['', ''], facts), '')

  if (report.test !== undefined) lines.push(testCommandMarkdown(report.test), '')
  const watch = report.watch
  if (watch !== undefined) {
    if (watch.failedEvent !== undefined) lines.push(...failureSection(watch), '')
    if (watch.lifecycleEvents.length > 0) {
      lines.push(
        '### Lifecycle events',
        '',
        table(
          ['Event', 'Status', 'Hook', 'Took'],
          watch.lifecycleEvents.map(e => [
            escapeHtml(e.name),
            escapeHtml(e.status),
            e.hookFunction === undefined ? '' : inlineCode(e.hookFunction),
            e.startTime !== undefined && e.endTime !== undefined
              ? formatDuration(e.endTime.getTime() - e.startTime.getTime())
              : ''
          ])
        ),
        ''
      )
    }
    if (watch.timeline.length > 0) {
      lines.push(
        details(
          'Timeline (lifecycle events, traffic shift, task sets)',
          table(
            ['After', 'Change'],
            watch.timeline.map(t => [formatDuration(t.at), escapeHtml(t.text)])
          )
        ),
        ''
      )
    }
    if (watch.stoppedTasks.length > 0) lines.push(stoppedTasksMarkdown(watch.stoppedTasks), '')
    if (watch.outcome !== 'succeeded' && watch.outcome !== 'ready' && watch.serviceEvents.length > 0) {
      lines.push(details('ECS service events', eventList(watch.serviceEvents)), '')
    }
  }
  lines.push(details('AppSpec', codeBlock(report.appSpec, 'yaml')), '')
  return truncate(lines.join('\n'), SUMMARY_LIMIT, '… (cut; the full log has the rest)').text
}

/**
 * One line on why a blue/green deployment failed: the failed lifecycle event and its hook's message, else
 * CodeDeploy's error information; and, when it rolled back, where the rollback stands.
 */
export function codedeployCause(watch: CodeDeployWatchResult): string | undefined {
  if (watch.outcome === 'succeeded' || watch.outcome === 'ready') return undefined
  const e = watch.failedEvent
  const parts: string[] = []
  const tasks = failureCause(watch.stoppedTasks, [])
  if (tasks !== undefined) {
    parts.push(tasks.text)
  } else if (e !== undefined) {
    const hook = e.hookFunction === undefined ? '' : ` (hook ${e.hookFunction})`
    parts.push(`${e.name}${hook} failed${e.message ? `: ${e.message}` : ''}`)
  } else if (watch.error?.message) {
    parts.push(`${watch.error.code ? `${watch.error.code}: ` : ''}${watch.error.message}`)
  }
  const rb = watch.rollback
  if (rb?.deploymentId !== undefined && rb.status !== undefined) {
    parts.push(`rollback deployment ${rb.deploymentId}: ${rb.status}`)
  }
  return parts.length === 0 ? undefined : parts.join('; ')
}

function failureSection(watch: CodeDeployWatchResult): string[] {
  const e = watch.failedEvent!
  const rows: string[][] = [
    ['Lifecycle event', escapeHtml(e.name)],
    ['Status', escapeHtml(e.status)]
  ]
  if (e.hookFunction !== undefined) rows.push(['Hook function', inlineCode(e.hookFunction)])
  if (e.errorCode !== undefined) rows.push(['Error code', inlineCode(e.errorCode)])
  if (e.message !== undefined) rows.push(['Message', escapeHtml(e.message)])
  if (watch.rollback !== undefined) {
    const rb = watch.rollback
    const state =
      rb.deploymentId !== undefined && rb.status !== undefined
        ? `rollback deployment ${inlineCode(rb.deploymentId)}: ${escapeHtml(rb.status)}`
        : undefined
    rows.push(['Rollback', state ?? escapeHtml(rb.message ?? `deployment ${rb.deploymentId ?? ''}`)])
  }
  const out = ['### What failed', '', table(['', ''], rows)]
  if (e.logTail) out.push('', details('Hook log tail', codeBlock(e.logTail)))
  return out
}

function eventList(events: readonly ServiceEvent[]): string {
  return events
    .slice(-20)
    .map(
      e =>
        `- ${e.createdAt === undefined ? '' : `${e.createdAt.toISOString()} `}${escapeHtml(e.message ?? '')}`
    )
    .join('\n')
}

function shortArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}

/** Lines for the log when a deployment ends badly: what failed, the hook, and recent service events. */
export function codedeployDiagnostics(watch: CodeDeployWatchResult): string[] {
  const lines: string[] = []
  const e = watch.failedEvent
  if (e !== undefined) {
    lines.push(`failed lifecycle event: ${e.name} (${e.status})`)
    if (e.hookFunction !== undefined) lines.push(`  hook Lambda: ${e.hookFunction}`)
    if (e.errorCode !== undefined) lines.push(`  error code: ${e.errorCode}`)
    if (e.message !== undefined) lines.push(`  message: ${e.message}`)
    if (e.logTail) lines.push(`  log tail:\n${e.logTail.replace(/^/gm, '    ')}`)
  }
  if (watch.error?.message)
    lines.push(`CodeDeploy: ${watch.error.code ?? ''} ${watch.error.message}`.replace('  ', ' '))
  if (watch.rollback !== undefined) {
    const rb = watch.rollback
    lines.push(
      `rollback: ${rb.message ?? ''}${rb.deploymentId ? ` (deployment ${rb.deploymentId}${rb.status ? `: ${rb.status}` : ''})` : ''}`
    )
  }
  const recent = watch.serviceEvents.slice(-10)
  if (recent.length > 0) {
    lines.push('recent service events:')
    for (const event of recent) lines.push(`  ${event.createdAt?.toISOString() ?? ''} ${event.message ?? ''}`)
  }
  return lines
}

/** What a deploy would do now about a deployment that holds the group, per codedeploy-in-progress. */
export function inProgressNotice(active: ActiveDeployment, mode: 'fail' | 'wait' | 'stop'): string {
  const what = `deployment ${active.id} is already ${active.status ?? 'in progress'} for this deployment group${active.rollback ? ' (CodeDeploy rolling back an earlier deployment)' : ''}`
  const then =
    mode === 'fail'
      ? 'a deploy now would fail before any write (codedeploy-in-progress: fail)'
      : mode === 'wait' || active.rollback
        ? 'a deploy now would wait for it to end first'
        : 'a deploy now would stop it with rollback first (codedeploy-in-progress: stop)'
  return `${what}: ${then}`
}

/** The dry run's section for a CODE_DEPLOY service: the group that would deploy it and the AppSpec. */
export function codedeployPlanMarkdown(
  plan: {
    readonly group: DeploymentGroupRef
    readonly appSpec: string
    readonly inProgress?: ActiveDeployment | undefined
    readonly test?: { readonly command: string; readonly timeoutMs: number } | undefined
  },
  mode: 'fail' | 'wait' | 'stop' = 'fail'
): string {
  const g = plan.group
  const rows: string[][] = [
    [
      'Deployment group',
      `${inlineCode(`${g.applicationName}/${g.deploymentGroupName}`)}${g.source === 'discovered' ? ' (found by its ECS service)' : ''}`
    ],
    [
      'Deployment config',
      g.deploymentConfigName === undefined ? '(group default)' : inlineCode(g.deploymentConfigName)
    ]
  ]
  if (g.readyAction !== undefined) {
    rows.push([
      'After test traffic',
      g.readyAction === 'STOP_DEPLOYMENT'
        ? `waits up to ${g.readyWaitMinutes ?? 0} min for rerouting`
        : 'reroutes at once'
    ])
  }
  if (plan.test !== undefined) {
    const [first = '', ...more] = plan.test.command.trim().split('\n')
    rows.push([
      'Test command',
      `${inlineCode(more.length > 0 ? `${first} …` : first)} runs once the replacement takes test traffic (up to ${formatDuration(plan.test.timeoutMs)}): exit 0 continues the deployment, anything else rolls it back`
    ])
  }
  if (plan.inProgress !== undefined) {
    rows.push(['In progress', `⚠️ ${escapeHtml(inProgressNotice(plan.inProgress, mode))}`])
  }
  return [
    '### CodeDeploy blue/green',
    '',
    table(['', ''], rows),
    '',
    details('AppSpec that would be used', codeBlock(plan.appSpec, 'yaml'))
  ].join('\n')
}
