/** The test-command's part of the job summary and its line in the log. */
import type { TestCommandResult } from '../deploy/test-command.js'
import { formatDuration } from '../duration.js'
import { codeBlock, details, escapeHtml, inlineCode, table } from './markdown.js'

/** What the step did with the deployment after the command. */
export type TestCommandAction =
  /** Exit 0: the deployment was continued (production traffic rerouted). */
  | 'continued'
  /** Anything else: the deployment was stopped with rollback. */
  | 'rolled-back'
  /** The step was cancelled while the command ran: stopped with rollback (DEPLOYMENT_STOP_ON_REQUEST). */
  | 'cancelled-stopped'
  /** Cancelled without DEPLOYMENT_STOP_ON_REQUEST: the deployment is left waiting where it is. */
  | 'cancelled-left'

export interface TestCommandRun {
  readonly command: string
  readonly timeoutMs: number
  readonly result: TestCommandResult
  readonly action: TestCommandAction
  /** The ECS_DEPLOY_* variables the command was given. */
  readonly env: Readonly<Record<string, string>>
}

/** True when the command said the new revision is good. */
export function testPassed(result: TestCommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.cancelled
}

/** `exited 0`, `exited 3`, `timed out after 5m`, `was cancelled`. */
export function testVerdict(result: TestCommandResult, timeoutMs: number): string {
  if (result.cancelled) return 'was cancelled'
  if (result.timedOut) return `timed out after ${formatDuration(timeoutMs)}`
  return result.exitCode === undefined ? 'ended without an exit code' : `exited ${result.exitCode}`
}

const THEN: Record<TestCommandAction, string> = {
  continued: 'continuing the deployment',
  'rolled-back': 'stopping the deployment with rollback',
  'cancelled-stopped': 'stopping the deployment with rollback (DEPLOYMENT_STOP_ON_REQUEST)',
  'cancelled-left': 'the deployment is left waiting (rollback-events has no DEPLOYMENT_STOP_ON_REQUEST)'
}

/** The one log line after the command: what it did and what the step does next. */
export function testCommandLogLine(run: TestCommandRun): string {
  return `test-command ${testVerdict(run.result, run.timeoutMs)} after ${formatDuration(run.result.durationMs)}: ${THEN[run.action]}`
}

const HEADLINE: Record<TestCommandAction, string> = {
  continued: '✅ Test command passed',
  'rolled-back': '❌ Test command failed',
  'cancelled-stopped': '🛑 Test command cancelled',
  'cancelled-left': '🛑 Test command cancelled'
}

const AFTER: Record<TestCommandAction, string> = {
  continued: 'deployment continued (production traffic rerouted)',
  'rolled-back': 'deployment stopped with rollback',
  'cancelled-stopped': 'deployment stopped with rollback',
  'cancelled-left': 'deployment left waiting for rerouting'
}

/** The summary section: command, verdict, duration, what followed, and the output's tail. */
export function testCommandMarkdown(run: TestCommandRun): string {
  const { result } = run
  const single = !run.command.includes('\n')
  const rows: string[][] = [
    ['Command', single ? inlineCode(run.command) : 'below'],
    ['Result', escapeHtml(testVerdict(result, run.timeoutMs))],
    ['Duration', formatDuration(result.durationMs)],
    ['Then', AFTER[run.action]]
  ]
  const out = [`### ${HEADLINE[run.action]}`, '', table(['', ''], rows), '']
  if (!single) out.push(codeBlock(run.command, 'bash'), '')
  const count = result.tail.length
  const tail = count === 0 ? '(no output)' : codeBlock(result.tail.join('\n'))
  out.push(
    details(
      count === 0 ? 'Output' : `Last ${count} line${count === 1 ? '' : 's'} of output`,
      tail,
      !testPassed(result)
    ),
    ''
  )
  const names = Object.keys(run.env)
  if (names.length > 0) {
    out.push(
      details(
        'Environment given to the command',
        table(
          ['Variable', 'Value'],
          names.map(n => [inlineCode(n), inlineCode(run.env[n] ?? '')])
        )
      ),
      ''
    )
  }
  return out.join('\n')
}
