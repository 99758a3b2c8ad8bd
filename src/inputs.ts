import * as core from '@actions/core'
import { Commands, Input, RollbackEvents, type Command, type RollbackEvent } from './contract.js'
import { durationHint, isBareNumber, parseDuration } from './duration.js'
import type { TaskOverride } from '@aws-sdk/client-ecs'
import { ActionError, ActionErrors, closest } from './errors.js'
import { parseOverrides } from './ecs/run-overrides.js'

export const OnFailureModes = ['continue', 'stop', 'rollback'] as const
export type OnFailure = (typeof OnFailureModes)[number]

export interface ImageOverride {
  readonly container: string
  readonly image: string
}

/** Every input, parsed and validated once; domain code never reads inputs itself. */
export interface ActionInputs {
  /** The first line of `config` (a single config: the path as today). */
  readonly config: string
  /** `config`'s lines: paths and glob patterns; several (or a pattern) mean several services (src/multi/). */
  readonly configs: readonly string[]
  /** Several configs: how many deploys run at once. */
  readonly maxParallel: number
  /** Several configs: what a failed service does to the others. */
  readonly onFailure: OnFailure
  readonly command: Command
  readonly imageTag: string | undefined
  readonly images: readonly ImageOverride[]
  readonly dryRun: boolean
  readonly rollbackEvents: readonly RollbackEvent[]
  readonly wait: boolean
  /** Milliseconds; undefined means the config's `timeout`, else 10 minutes. */
  readonly timeoutMs: number | undefined
  readonly forceNewDeployment: boolean
  readonly skipTaskDefinition: boolean
  readonly latestTaskDefinition: boolean
  readonly githubToken: string | undefined
  readonly prComment: 'auto' | 'true' | 'false'
  readonly redact: boolean
  /** Deploys: `ready` is CodeDeploy's (test traffic), `paused` ECS-native's (a PAUSE lifecycle hook waits). */
  readonly waitUntil: 'succeeded' | 'ready' | 'paused'
  readonly codedeployInProgress: 'fail' | 'wait' | 'stop'
  /** `run`: the TaskOverride, checked against the ECS shape (container names are checked by the command). */
  readonly overrides: TaskOverride | undefined
  /** `run`: tasks to start, 1–10. */
  readonly count: number
  readonly watchContainer: string | undefined
  /** `run`'s reading of `wait-until`: wait for the tasks to stop (and their exit codes) or to run. */
  readonly runWaitUntil: 'stopped' | 'running'
  /** Override the config's cluster and service (ecspresso's flags); with no config file, they define one. */
  readonly cluster: string | undefined
  readonly service: string | undefined
  /**
   * As typed: a task definition file for deploy, dry run, render, verify and register (see `taskDefinitionFile`); `rollback`
   * reads a revision number or ARN from it (commands/rollback.ts).
   */
  readonly taskDefinition: string | undefined
  /** Run `command: verify`'s checks before a deploy's first write. */
  readonly verify: boolean
  /** Overrides the service definition's desiredCount (ecspresso `--tasks`). */
  readonly desiredCount: number | undefined
  /** After a successful deploy, keep this many newest ACTIVE revisions of the family. */
  readonly keepRevisions: number | undefined
  /** `rollback`: deregister the revision rolled back from (default true, as ecspresso). */
  readonly deregister: boolean
  /** Jsonnet external variables (`std.extVar`): strings, and Jsonnet code. */
  readonly extStr: Readonly<Record<string, string>>
  readonly extCode: Readonly<Record<string, string>>
  /** `promote`, `rollback`: the ECS-native service deployment to act on (job 1's `service-deployment-arn`). */
  readonly serviceDeploymentArn: string | undefined
  /** A shell command run while test traffic reaches the new revision; exit 0 continues the deployment. */
  readonly testCommand: string | undefined
  /** How long test-command may run before it is killed and the deployment rolled back (default 5 minutes). */
  readonly testTimeoutMs: number
}

/** The `task-definition` input as a file path, for the commands that read it as one. */
export function taskDefinitionFile(inputs: ActionInputs): string | undefined {
  return ['deploy', 'render', 'verify', 'register', 'run'].includes(inputs.command)
    ? inputs.taskDefinition
    : undefined
}

export type InputReader = (name: string) => string

const fromActions: InputReader = name => core.getInput(name)

/** Reads and validates all inputs, reporting every bad one at once. */
export function parseInputs(read: InputReader = fromActions): ActionInputs {
  const errors: ActionError[] = []
  const optional = (name: string): string | undefined => {
    const value = read(name).trim()
    return value === '' ? undefined : value
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = optional(name) ?? fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    errors.push(
      new ActionError(`'${value}' is not one of ${allowed.map(a => `'${a}'`).join(', ')}`, {
        where: { input: name },
        hint: suggestion(value, allowed)
      })
    )
    return fallback
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const value = optional(name)
    if (value === undefined) return fallback
    if (['true', 'True', 'TRUE'].includes(value)) return true
    if (['false', 'False', 'FALSE'].includes(value)) return false
    errors.push(
      new ActionError(`'${value}' is not a boolean`, { where: { input: name }, hint: 'use true or false' })
    )
    return fallback
  }

  const images = parseImages(optional(Input.Images), errors)
  const extStr = parseExtVars(Input.ExtStr, read(Input.ExtStr), errors)
  const extCode = parseExtVars(Input.ExtCode, read(Input.ExtCode), errors)
  for (const name of Object.keys(extStr).filter(name => Object.hasOwn(extCode, name))) {
    errors.push(
      new ActionError(`external variable '${name}' is given in both ext-str and ext-code`, {
        where: { input: Input.ExtCode },
        hint: 'give it once: as a string in ext-str, or as Jsonnet code in ext-code'
      })
    )
  }
  const rollbackEvents = parseRollbackEvents(optional(Input.RollbackEvents), errors)
  const timeoutText = optional(Input.Timeout)
  let timeoutMs: number | undefined
  if (timeoutText !== undefined) {
    timeoutMs = parseDuration(timeoutText)
    if (timeoutMs === undefined || timeoutMs <= 0) {
      errors.push(
        new ActionError(
          isBareNumber(timeoutText) ? `'${timeoutText}' has no unit` : `'${timeoutText}' is not a duration`,
          { where: { input: Input.Timeout }, hint: durationHint(timeoutText) }
        )
      )
    }
  }

  const testTimeoutText = optional(Input.TestTimeout) ?? '5m'
  const testTimeoutMs = parseDuration(testTimeoutText)
  if (testTimeoutMs === undefined || testTimeoutMs <= 0) {
    errors.push(
      new ActionError(`'${testTimeoutText}' is not a duration`, {
        where: { input: Input.TestTimeout },
        hint: 'write it like 90s, 5m or 1h'
      })
    )
  }

  const count = (name: string, min: number): number | undefined => {
    const text = optional(name)
    if (text === undefined) return undefined
    if (/^\d+$/.test(text) && Number(text) >= min && Number(text) <= 100_000) return Number(text)
    errors.push(
      new ActionError(`'${text}' is not a whole number of ${min} or more`, {
        where: { input: name },
        hint: `e.g. ${name}: ${name === Input.DesiredCount ? 3 : name === Input.MaxParallel ? 4 : 10}`
      })
    )
    return undefined
  }

  // `command: diff` is ecspresso's habit for the dry run: deploy with dry-run: true.
  const asked = oneOf(Input.Command, [...Commands, 'diff'] as const, 'deploy')
  const isDiff = asked === 'diff'
  const command: Command = isDiff ? 'deploy' : asked
  if (isDiff && /^false$/i.test(optional(Input.DryRun) ?? '')) {
    errors.push(
      new ActionError('command: diff is a dry run, but dry-run is false', {
        where: { input: Input.DryRun },
        hint: 'remove dry-run, or use command: deploy to deploy'
      })
    )
  }
  // wait-until serves several commands, each with its own values.
  const isRun = command === 'run'
  const waitUntilText = optional(Input.WaitUntil)
  const runWaitUntil = isRun ? oneOf(Input.WaitUntil, ['stopped', 'running'] as const, 'stopped') : 'stopped'
  const waitUntil =
    isRun && waitUntilText !== undefined
      ? 'succeeded'
      : oneOf(Input.WaitUntil, ['succeeded', 'ready', 'paused'] as const, 'succeeded')
  const overrides = parseOverrides(optional(Input.Overrides), Input.Overrides, errors)
  const countText = optional(Input.Count) ?? '1'
  const taskCount = Number(countText)
  if (!/^\d+$/.test(countText) || taskCount < 1 || taskCount > 10) {
    errors.push(
      new ActionError(`'${countText}' is not a task count`, {
        where: { input: Input.Count },
        hint: 'RunTask starts 1 to 10 tasks per call: use a whole number from 1 to 10'
      })
    )
  }

  const configs = (optional(Input.Config) ?? 'ecspresso.yml')
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))
  const maxParallel = count(Input.MaxParallel, 1) ?? 4
  const inputs: ActionInputs = {
    config: configs[0] ?? 'ecspresso.yml',
    configs,
    maxParallel,
    onFailure: oneOf(Input.OnFailure, OnFailureModes, 'continue'),
    command,
    imageTag: optional(Input.ImageTag),
    images,
    dryRun: bool(Input.DryRun, false) || isDiff,
    rollbackEvents,
    wait: bool(Input.Wait, true),
    timeoutMs,
    forceNewDeployment: bool(Input.ForceNewDeployment, false),
    skipTaskDefinition: bool(Input.SkipTaskDefinition, false),
    latestTaskDefinition: bool(Input.LatestTaskDefinition, false),
    githubToken: optional(Input.GithubToken),
    prComment: oneOf(Input.PrComment, ['auto', 'true', 'false'] as const, 'auto'),
    redact: bool(Input.Redact, true),
    waitUntil,
    codedeployInProgress: oneOf(Input.CodedeployInProgress, ['fail', 'wait', 'stop'] as const, 'fail'),
    overrides,
    count: Number.isInteger(taskCount) && taskCount >= 1 && taskCount <= 10 ? taskCount : 1,
    watchContainer: optional(Input.WatchContainer),
    runWaitUntil,
    cluster: optional(Input.Cluster),
    service: optional(Input.Service),
    taskDefinition: optional(Input.TaskDefinition),
    verify: bool(Input.Verify, false),
    desiredCount: count(Input.DesiredCount, 0),
    keepRevisions: count(Input.KeepRevisions, 1),
    deregister: bool(Input.Deregister, true),
    extStr,
    extCode,
    serviceDeploymentArn: optional(Input.ServiceDeploymentArn),
    // Not trimmed: a multi-line script keeps its shape; only an all-blank one is unset.
    testCommand: read(Input.TestCommand).trim() === '' ? undefined : read(Input.TestCommand),
    testTimeoutMs: testTimeoutMs !== undefined && testTimeoutMs > 0 ? testTimeoutMs : 300_000
  }

  if (!isRun) {
    for (const name of [Input.Overrides, Input.WatchContainer] as const) {
      if (optional(name) !== undefined)
        errors.push(
          new ActionError(`${name} applies to command: run only`, {
            where: { input: name },
            hint: `remove ${name}, or set command: run`
          })
        )
    }
  }

  const sdArn = inputs.serviceDeploymentArn
  if (sdArn !== undefined && command !== 'promote' && command !== 'rollback') {
    errors.push(
      new ActionError(
        `${Input.ServiceDeploymentArn} applies to command: promote and command: rollback only`,
        {
          where: { input: Input.ServiceDeploymentArn },
          hint: `remove ${Input.ServiceDeploymentArn}, or set command: promote`
        }
      )
    )
  } else if (
    sdArn !== undefined &&
    !/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment\/\S+$/.test(sdArn)
  ) {
    errors.push(
      new ActionError(`'${sdArn}' is not a service deployment ARN`, {
        where: { input: Input.ServiceDeploymentArn },
        hint: "pass the deploy job's service-deployment-arn output, e.g. arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/AbC123"
      })
    )
  }
  errors.push(...testCommandErrors(inputs))

  if (inputs.latestTaskDefinition && !inputs.skipTaskDefinition) {
    errors.push(
      new ActionError('latest-task-definition only applies together with skip-task-definition', {
        where: { input: Input.LatestTaskDefinition },
        hint: 'also set skip-task-definition: true, or remove latest-task-definition'
      })
    )
  }

  if (inputs.skipTaskDefinition && inputs.images.length > 0) {
    errors.push(
      new ActionError('images cannot apply with skip-task-definition: no task definition is registered', {
        where: { input: Input.Images },
        hint: 'remove images, or set skip-task-definition: false to register a revision with the new images'
      })
    )
  }

  if (errors.length > 0) throw new ActionErrors(errors)
  return inputs
}

/** test-command needs a deploy that waits and then decides: other commands and settings cannot run it. */
function testCommandErrors(inputs: ActionInputs): ActionError[] {
  if (inputs.testCommand === undefined) return []
  const where = { input: Input.TestCommand }
  if (inputs.command !== 'deploy')
    return [
      new ActionError(`test-command applies to command: deploy only, not ${inputs.command}`, {
        where,
        hint: 'remove test-command, or set command: deploy'
      })
    ]
  if (!inputs.wait && !inputs.dryRun)
    return [
      new ActionError('test-command needs the step to wait for the deployment (wait: false)', {
        where,
        hint: 'remove wait: false (the step watches the deployment, runs the command, then continues or rolls it back), or remove test-command'
      })
    ]
  if (inputs.waitUntil === 'ready')
    return [
      new ActionError(
        'test-command decides at the point wait-until: ready stops at: the step cannot both end there and continue',
        {
          where,
          hint: 'remove wait-until: ready (with test-command the step waits for test traffic, runs the command, then continues or rolls back), or remove test-command'
        }
      )
    ]
  return []
}

function suggestion(value: string, allowed: readonly string[]): string | undefined {
  const near = closest(value, allowed)
  return near === undefined ? undefined : `did you mean '${near}'?`
}

function parseImages(text: string | undefined, errors: ActionError[]): ImageOverride[] {
  if (text === undefined) return []
  const overrides: ImageOverride[] = []
  const seen = new Set<string>()
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    const container = eq > 0 ? line.slice(0, eq).trim() : ''
    const image = eq > 0 ? line.slice(eq + 1).trim() : ''
    if (container === '' || image === '') {
      errors.push(
        new ActionError(`line ${index + 1} '${line}' is not CONTAINER=IMAGE`, {
          where: { input: Input.Images },
          hint: 'write one line per container, e.g. app=123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'
        })
      )
      continue
    }
    if (seen.has(container)) {
      errors.push(
        new ActionError(`container '${container}' is named twice`, { where: { input: Input.Images } })
      )
      continue
    }
    seen.add(container)
    overrides.push({ container, image })
  }
  return overrides
}

/**
 * `NAME=VALUE` lines, as jsonnet's --ext-str/--ext-code take them: the value is everything after the first
 * `=`, kept as written (spaces included); blank lines and lines starting with `#` are skipped.
 */
function parseExtVars(input: string, text: string, errors: ActionError[]): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const eq = raw.indexOf('=')
    const name = eq > 0 ? raw.slice(0, eq).trim() : ''
    if (name === '') {
      errors.push(
        new ActionError(`line ${index + 1} '${raw.trim()}' is not NAME=VALUE`, {
          where: { input },
          hint: "write one variable a line, e.g. env=production; read it with std.extVar('env')"
        })
      )
      continue
    }
    if (Object.hasOwn(vars, name)) {
      errors.push(new ActionError(`external variable '${name}' is given twice`, { where: { input } }))
      continue
    }
    vars[name] = raw.slice(eq + 1)
  }
  return vars
}

function parseRollbackEvents(text: string | undefined, errors: ActionError[]): RollbackEvent[] {
  if (text === undefined) return []
  const events: RollbackEvent[] = []
  for (const raw of text.split(/[,\s]+/)) {
    const name = raw.trim()
    if (name === '') continue
    if ((RollbackEvents as readonly string[]).includes(name)) {
      if (!events.includes(name as RollbackEvent)) events.push(name as RollbackEvent)
    } else {
      errors.push(
        new ActionError(`'${name}' is not a rollback event`, {
          where: { input: Input.RollbackEvents },
          hint: suggestion(name, RollbackEvents) ?? `use a comma list of ${RollbackEvents.join(', ')}`
        })
      )
    }
  }
  return events
}
