/**
 * `ecs-deploy-action <command> [flags]`: the action's own run (src/main.ts), its inputs taken from the
 * command line and its sink writing to a terminal. Log lines go to stderr; the summary and the outputs to
 * stdout, except for `render`, whose stdout is the rendered definitions (as ecspresso's), so `> file` works.
 */
import { appendFileSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Commands, Input, Output } from '../contract.js'
import { formatLocation } from '../errors.js'
import { run } from '../main.js'
import * as sink from '../report/sink.js'
import type { Where } from '../report/sink.js'
import { helpText, parseArgs, UsageError, type CliArgs } from './args.js'
import { colorStyle, markdownToTerminal, plainStyle } from './markdown.js'

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean }
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean }
  readonly env: NodeJS.ProcessEnv
}

/** Exit code of a command line the CLI cannot read (the action's own failures exit 1 or a task's code). */
export const USAGE_EXIT_CODE = 2

export async function runCli(
  argv: readonly string[],
  // The terminal is the sink's other end: the one place outside the sink that writes to it.
  // eslint-disable-next-line no-restricted-properties
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }
): Promise<void> {
  let args: CliArgs
  try {
    args = parseArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`ecs-deploy-action: ${error.message}\n`)
    process.exitCode = USAGE_EXIT_CODE
    return
  }
  if (args.help || args.command === undefined) {
    ;(args.help ? io.stdout : io.stderr).write(`${helpText()}\n`)
    if (!args.help) process.exitCode = USAGE_EXIT_CODE
    return
  }

  const env = io.env
  setInputs(env, args)
  if (args.endpoint !== undefined) env.AWS_ENDPOINT_URL = args.endpoint
  if (args.region !== undefined) env.AWS_REGION = args.region
  if (args.profile !== undefined) env.AWS_PROFILE = args.profile
  if (args.debug) env.RUNNER_DEBUG = '1'
  // The runner gives each job its own temporary directory; two CLI runs must not share render's files.
  env.RUNNER_TEMP ||= await mkdtemp(join(tmpdir(), 'ecs-deploy-action-'))

  const rendering = args.command === 'render'
  // `render` keeps stdout for the definitions; everything else a person reads goes to stderr.
  const out = rendering ? io.stderr : io.stdout
  const colorFor = (stream: { isTTY?: boolean }): boolean =>
    args.color ?? (stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb')
  const errStyle = colorFor(io.stderr) ? colorStyle : plainStyle
  const outStyle = colorFor(out) ? colorStyle : plainStyle
  const outputs: [string, string][] = []
  const line = (text: string): void => void io.stderr.write(`${text}\n`)

  sink.useTerminal({
    // render's log repeats the definitions stdout prints.
    info: text => (rendering || args.quiet ? undefined : line(text)),
    warning: (text, where) => line(errStyle.bold(`warning: ${located(text, where)}`)),
    debug: text => (args.debug ? line(errStyle.dim(`debug: ${text}`)) : undefined),
    heading: title => (rendering || args.quiet ? undefined : line(errStyle.bold(`\n▸ ${title}`))),
    summary: markdown => {
      if (args.summaryFile !== undefined) appendFileSync(args.summaryFile, `${markdown}\n`)
      out.write(`\n${markdownToTerminal(markdown, outStyle)}`)
    },
    output: (name, value) => void outputs.push([name, value]),
    error: (text, where) => line(errStyle.bold(`error: ${located(text, where)}`))
  })
  try {
    await run(env)
  } finally {
    sink.useTerminal(undefined)
  }

  const printed = outputs.filter(([, value]) => value !== '')
  if (printed.length > 0) {
    out.write(`\n${outStyle.bold('Outputs')}\n`)
    for (const [name, value] of printed) {
      const lines = value.split('\n').length
      out.write(`${name}: ${lines > 1 ? `(${lines} lines, shown above)` : value}\n`)
    }
  }
  if (rendering && process.exitCode === undefined) await printDefinitions(io, outputs, args)
}

/**
 * `file:line:col: message`, as a compiler prints it (the runner shows these as annotations on the line); an
 * input's name as the flag that sets it.
 */
function located(text: string, where: Where | undefined): string {
  const flags = text.replace(/\binput '([a-z-]+)'/g, (whole, name: string) =>
    (Object.values(Input) as string[]).includes(name) ? `--${name}` : whole
  )
  if (where?.file === undefined || flags.startsWith(where.file)) return flags
  const at = formatLocation({
    file: where.file,
    ...(where.line === undefined ? {} : { line: where.line }),
    ...(where.column === undefined ? {} : { column: where.column })
  })
  return `${at}: ${flags}`
}

/** The flags as the runner would pass inputs: `INPUT_<NAME>`, and only these (a parent step's are dropped). */
function setInputs(env: NodeJS.ProcessEnv, args: CliArgs): void {
  for (const name of Object.keys(env)) if (name.startsWith('INPUT_')) delete env[name]
  const inputs: Record<string, string> = { ...args.inputs }
  if (args.command === 'diff' && !(Commands as readonly string[]).includes('diff')) {
    inputs[Input.Command] = 'deploy'
    inputs[Input.DryRun] = 'true'
  } else inputs[Input.Command] = args.command ?? 'deploy'
  // action.yml's default is the workflow's token; on a laptop, GITHUB_TOKEN when it is set.
  if (inputs[Input.GithubToken] === undefined && env.GITHUB_TOKEN)
    inputs[Input.GithubToken] = env.GITHUB_TOKEN
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
}

/** `render`'s stdout: each rendered definition's JSON, task definition first (or the targets named). */
async function printDefinitions(
  io: CliIo,
  outputs: readonly [string, string][],
  args: CliArgs
): Promise<void> {
  const path = (name: string) => outputs.find(([output]) => output === name)?.[1]
  const targets = args.renderTargets.length > 0 ? args.renderTargets : (['taskdef', 'servicedef'] as const)
  for (const target of targets) {
    const file = path(target === 'taskdef' ? Output.TaskDefinition : Output.ServiceDefinition)
    if (file === undefined) {
      io.stderr.write(
        `ecs-deploy-action: the config names no ${target === 'taskdef' ? 'task' : 'service'} definition\n`
      )
      if (args.renderTargets.length > 0) process.exitCode = 1
      continue
    }
    io.stdout.write(sink.redact(await readFile(file, 'utf8')))
  }
}
