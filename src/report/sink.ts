/**
 * The one writer for everything a person reads: log lines, annotations, outputs, the job summary, the failure
 * message and PR comment bodies. It replaces secret values (by value, wherever they sit), keeps text from
 * files, env or AWS from starting a workflow command, and cuts outputs to GitHub's documented limits.
 * Domain code never prints; main, the Logger and the comment poster call this module.
 */
import { randomBytes } from 'node:crypto'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import * as core from '@actions/core'
import { ALWAYS_SECRET_ENV, jsonEscape } from '../render/functions.js'
import { escapeHtml, truncate, truncateBytes } from './markdown.js'

/** What a secret is replaced with. The same for every secret, so nothing about the value leaks. */
export const MASK = '•••'

/**
 * Shorter values (`1`, `true`, `prod`) would blank out every occurrence of common text in the log and the
 * diff: they are hidden only where they make a whole JSON string (`"1"`), not masked in the log, and a
 * warning says so.
 */
export const MIN_SECRET_LENGTH = 6

/** GitHub's limits (docs: "Workflow commands", "Passing information between jobs", issue comments). */
export const LIMITS = {
  /** A step summary over 1 MiB is refused; keep room for the notice. */
  summaryBytes: 1024 * 1024 - 1024,
  /** Outputs: 1 MB per job, "approximated based on UTF-16 encoding": 2 bytes a UTF-16 unit. A job may have
   * other steps' outputs too, so one output of ours takes at most half of it. */
  outputUnits: 256 * 1024,
  /** Issue and PR comment bodies: 65,536 characters. */
  commentChars: 65_536
} as const

export interface RegistryOptions {
  /** Masks a value in the runner's log (`core.setSecret`). */
  readonly mask: (value: string) => void
  /** Says a value was too short to hide everywhere (names the source, never the value). */
  readonly warn: (message: string) => void
}

/** Every value that came from a secret source, and the forms it can take in what we print. */
export class SecretRegistry {
  private readonly known = new Set<string>()
  /** Whole values and their escaped forms, longest first, replaced as substrings. */
  private patterns: string[] = []
  /** Short values, replaced only as whole JSON strings. */
  private readonly quoted = new Set<string>()

  constructor(private readonly options: RegistryOptions) {}

  /** Registers a value read from `source` (e.g. `ssm /app/password`); masks it before anything prints it. */
  add(value: string, source: string): void {
    if (value.trim() === '' || this.known.has(value)) return
    this.known.add(value)
    if (value.trim().length < MIN_SECRET_LENGTH) {
      for (const form of new Set([JSON.stringify(value), `"${jsonEscape(value)}"`])) this.quoted.add(form)
      this.options.warn(
        `the secret value from ${source} is shorter than ${MIN_SECRET_LENGTH} characters: it is hidden where it ` +
          'is a whole JSON string, but not masked inside other text or in the log'
      )
      return
    }
    const lines = value.split(/\r\n|\r|\n/).filter(line => line.trim().length >= MIN_SECRET_LENGTH)
    // The runner masks each value it is given; multi-line values are masked line by line as well.
    for (const masked of new Set([value, ...lines])) this.options.mask(masked)
    const forms = new Set<string>()
    for (const raw of [value, ...lines]) {
      for (const form of [raw, JSON.stringify(raw).slice(1, -1), jsonEscape(raw), encodeURIComponent(raw)]) {
        forms.add(form)
        forms.add(escapeHtml(form))
      }
    }
    this.patterns = [...new Set([...this.patterns, ...forms])].sort((a, b) => b.length - a.length)
  }

  /** Whether the text holds a secret. */
  has(text: string): boolean {
    return this.redact(text) !== text
  }

  /** `text` with every secret, whole or as a substring, replaced by `•••`. */
  redact(text: string): string {
    let out = text
    for (const pattern of this.patterns) if (out.includes(pattern)) out = out.split(pattern).join(MASK)
    for (const form of this.quoted) if (out.includes(form)) out = out.split(form).join(`"${MASK}"`)
    return out
  }
}

/**
 * Where everything goes outside a runner (the CLI): plain log lines, the summary rendered for a terminal,
 * outputs kept for the end. Set once at start-up (src/cli/); unset, the sink writes workflow commands.
 */
export interface TerminalWriter {
  info(text: string): void
  warning(text: string, where?: Where): void
  debug(text: string): void
  heading(title: string): void
  summary(markdown: string): void
  output(name: string, value: string): void
  error(text: string, where?: Where): void
}

let terminal: TerminalWriter | undefined

export function useTerminal(writer: TerminalWriter | undefined): void {
  terminal = writer
}

/** The run's registry. Values are masked through `core.setSecret`; short ones warn through the sink. */
export const secrets = new SecretRegistry({
  // A terminal has no runner to mask for: `::add-mask::` would only print the secret.
  mask: value => (terminal ? undefined : core.setSecret(value)),
  warn: message => (terminal ? terminal.warning(message) : core.warning(message))
})

export function redact(text: string): string {
  return secrets.redact(text)
}

/**
 * Registers the secrets every run has before anything prints: the `github-token` input and the credential
 * variables, whatever `redact` says.
 */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv): void {
  const token = env['INPUT_GITHUB-TOKEN']?.trim()
  if (token) secrets.add(token, 'the github-token input')
  for (const name of ALWAYS_SECRET_ENV) {
    const value = env[name]?.trim()
    if (value) secrets.add(value, name)
  }
}

const LINE_BREAK = /\r\n|\r|\n|\u0085|\u2028|\u2029/
/**
 * The runner reads a command from any line starting with `::` (after whitespace) and the older `##[name]`
 * form anywhere in a line. It splits lines at CR as well as LF.
 */
const COMMAND_LIKE = /^[\s\uFEFF]*::|##\[/

/** True when some line of the text would be read as a workflow command. */
export function looksLikeCommand(text: string): boolean {
  return text.split(LINE_BREAK).some(line => COMMAND_LIKE.test(line))
}

/**
 * The text as log lines that cannot act as workflow commands: unchanged when no line looks like one, else
 * wrapped in `::stop-commands::<random token>` … `::<token>::`, which the runner prints verbatim.
 */
export function inertLines(text: string): string {
  if (!looksLikeCommand(text)) return text
  let token: string
  do token = randomBytes(16).toString('hex')
  while (text.includes(token))
  return `::stop-commands::${token}\n${text}\n::${token}::`
}

/** A log line: secrets replaced, command-like lines made inert. */
export function info(message: string): void {
  if (terminal) return terminal.info(redact(message))
  core.info(inertLines(redact(message)))
}

export interface Where {
  readonly file?: string | undefined
  readonly line?: number | undefined
  readonly column?: number | undefined
  /** The annotation's title (GitHub shows it above the message). */
  readonly title?: string | undefined
}

/** A warning annotation; @actions/core escapes its message and properties (`%`, CR, LF, `:` and `,`). */
export function warning(message: string, where?: Where): void {
  if (terminal) return terminal.warning(redact(message), where)
  core.warning(redact(message), annotation(where))
}

/** An error annotation, marked on the file's line when `where` names one (the step is not failed by it). */
export function error(message: string, where?: Where): void {
  if (terminal) return terminal.error(redact(message), where)
  core.error(redact(message), annotation(where))
}

export function debug(message: string): void {
  if (terminal) return terminal.debug(redact(message))
  core.debug(redact(message))
}

export function group<T>(title: string, body: () => Promise<T>): Promise<T> {
  if (terminal) {
    terminal.heading(redact(title))
    return body()
  }
  return core.group(redact(title), body)
}

/** Fails the step with `message`; `exitCode` (1 to 255) replaces @actions/core's 1. */
export function fail(message: string, exitCode?: number): void {
  if (terminal) {
    terminal.error(redact(message))
    process.exitCode = 1
  } else core.setFailed(redact(message))
  setExitCode(exitCode)
}

/**
 * Fails the step with one error annotation per problem: GitHub marks each located one on its file's line
 * (in the PR's diff too), and shows the others as the step's failure.
 */
export function failWith(problems: readonly { message: string; where?: Where }[], exitCode?: number): void {
  for (const problem of problems) error(problem.message, problem.where)
  process.exitCode = 1
  setExitCode(exitCode)
}

function setExitCode(exitCode: number | undefined): void {
  if (exitCode !== undefined && Number.isInteger(exitCode) && exitCode > 1 && exitCode < 256)
    process.exitCode = exitCode
}

/**
 * An annotation's properties. GitHub matches `file` against the repository's paths, so a file is given
 * relative to GITHUB_WORKSPACE (our paths are relative to the working directory); a file outside the
 * workspace has no line to mark, and its location stays in the message only.
 */
function annotation(where: Where | undefined): core.AnnotationProperties {
  const file = where?.file === undefined ? undefined : workspacePath(where.file)
  return {
    ...(where?.title === undefined ? {} : { title: redact(where.title) }),
    ...(file === undefined ? {} : { file: redact(file) }),
    ...(file === undefined || where?.line === undefined ? {} : { startLine: where.line }),
    ...(file === undefined || where?.column === undefined ? {} : { startColumn: where.column })
  }
}

/** `file` (relative to the working directory, or absolute) relative to the workspace; undefined outside it. */
export function workspacePath(
  file: string,
  workspace = process.env.GITHUB_WORKSPACE,
  cwd = process.cwd()
): string | undefined {
  const absolute = resolve(cwd, file)
  const inside = relative(resolve(cwd, workspace || cwd), absolute)
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    return undefined
  return inside.split('\\').join('/')
}

/** An output value as written: redacted and cut to the output limit with a note saying where the rest is. */
export function outputValue(name: string, value: string): string {
  const notice = `… (the ${name} output is cut to ${LIMITS.outputUnits} characters; the job summary and the step log have the full text)`
  return truncate(redact(value), LIMITS.outputUnits, notice).text
}

export function setOutput(name: string, value: string): void {
  if (terminal) return terminal.output(name, outputValue(name, value))
  core.setOutput(name, outputValue(name, value))
}

/** Summary markdown as written: redacted and within 1 MiB. */
export function summaryText(markdown: string): string {
  const notice = '\n\n… (the job summary is cut to GitHub’s 1 MiB limit; the step log has the full text)'
  return truncateBytes(redact(markdown), LIMITS.summaryBytes, notice).text
}

/** Appends to the job summary; false when there is no summary file or nothing to write. */
export async function writeSummary(markdown: string): Promise<boolean> {
  if (terminal && markdown !== '') {
    terminal.summary(summaryText(markdown))
    return true
  }
  if (!process.env.GITHUB_STEP_SUMMARY || markdown === '') return false
  try {
    await core.summary.addRaw(summaryText(markdown), true).write()
    return true
  } catch (error) {
    warning(`could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
    return false
  }
}

/** A PR comment body as posted: redacted and within GitHub's 65,536 characters. */
export function commentBody(
  body: string,
  notice = '… (cut to fit a comment; the job summary has the rest)'
): string {
  const text = redact(body)
  return text.length <= LIMITS.commentChars ? text : truncate(text, LIMITS.commentChars, notice).text
}
