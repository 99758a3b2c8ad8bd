/**
 * The CLI's command line as the action's inputs: `ecs-deploy-action <command> [flags]`. Every action input is
 * a `--kebab-name` flag; ecspresso's names are accepted where they mean the same (`--tasks`, `--no-wait`,
 * `--deregister-task-definition`, `--task-def`, `-c`). A few flags belong to the CLI alone (where AWS is).
 */
import { Commands, Input } from '../contract.js'
import { closest } from '../errors.js'

/** Inputs that are `true`/`false`: `--name` sets true, `--no-name` or `--name=false` false. */
export const BOOLEAN_INPUTS: ReadonlySet<string> = new Set([
  Input.DryRun,
  Input.Wait,
  Input.ForceNewDeployment,
  Input.SkipTaskDefinition,
  Input.LatestTaskDefinition,
  Input.Redact,
  Input.Verify,
  Input.Deregister
])

/** Inputs read as lines (or a comma list): the flag may be given several times, one value each. */
const REPEATABLE: Readonly<Record<string, string>> = {
  [Input.Images]: '\n',
  [Input.ExtStr]: '\n',
  [Input.ExtCode]: '\n',
  [Input.RollbackEvents]: ','
}

/** ecspresso's flag names for the same thing, and short forms. */
const ALIASES: Readonly<Record<string, string>> = {
  tasks: Input.DesiredCount,
  'deregister-task-definition': Input.Deregister,
  'task-def': Input.TaskDefinition,
  image: Input.Images,
  c: Input.Config
}

/** The CLI's own flags: not action inputs. */
const CLI_FLAGS = {
  endpoint: 'value',
  region: 'value',
  profile: 'value',
  'summary-file': 'value',
  quiet: 'bool',
  debug: 'bool',
  color: 'bool',
  help: 'bool'
} as const
type CliFlag = keyof typeof CLI_FLAGS

/** Commands on the command line: the action's, and ecspresso's `diff` (a deploy's dry run). */
export function cliCommands(): string[] {
  return [...new Set<string>([...Commands, 'diff'])]
}

export const RENDER_TARGETS = ['taskdef', 'servicedef'] as const
export type RenderTarget = (typeof RENDER_TARGETS)[number]

export interface CliArgs {
  readonly command: string | undefined
  /** Action input name → value, as `INPUT_*` would hold it. */
  readonly inputs: Readonly<Record<string, string>>
  /** `render`'s targets (ecspresso: `render taskdef servicedef`); empty means both definitions. */
  readonly renderTargets: readonly RenderTarget[]
  readonly endpoint: string | undefined
  readonly region: string | undefined
  readonly profile: string | undefined
  /** Also write the summary's Markdown here, as the runner's GITHUB_STEP_SUMMARY would hold it. */
  readonly summaryFile: string | undefined
  /** Only the summary, warnings, errors and outputs: no log lines. */
  readonly quiet: boolean
  readonly debug: boolean
  readonly color: boolean | undefined
  readonly help: boolean
}

/** A command line the CLI cannot read: one message, with the nearest valid flag or command. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Every flag name the CLI reads (without dashes), for suggestions and --help. */
export function flagNames(): string[] {
  const inputs = Object.values(Input).filter(name => name !== Input.Command)
  const negated = [...BOOLEAN_INPUTS].map(name => `no-${name}`)
  return [...inputs, ...negated, ...Object.keys(ALIASES), ...Object.keys(CLI_FLAGS), 'no-color']
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const inputs: Record<string, string> = {}
  const cli: Partial<Record<CliFlag, string | boolean>> = {}
  const positional: string[] = []
  const inputNames = new Set<string>(Object.values(Input).filter(name => name !== Input.Command))
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      positional.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg)
      continue
    }
    if (arg === '-h' || arg === '-q') {
      cli[arg === '-h' ? 'help' : 'quiet'] = true
      continue
    }
    const eq = arg.indexOf('=')
    const rawName = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '')
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined
    const negated = rawName.startsWith('no-') ? rawName.slice(3) : undefined
    const name = ALIASES[rawName] ?? rawName
    const value = (flag: string): string => {
      if (inline !== undefined) return inline
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`--${flag} needs a value, e.g. --${flag}=VALUE`)
      i++
      return next
    }
    const boolValue = (flag: string): string => {
      if (inline === undefined) return 'true'
      if (inline === 'true' || inline === 'false') return inline
      throw new UsageError(`--${flag} is true or false, not '${inline}'`)
    }

    if (Object.hasOwn(CLI_FLAGS, name)) {
      const flag = name as CliFlag
      cli[flag] = CLI_FLAGS[flag] === 'bool' ? boolValue(flag) === 'true' : value(flag)
    } else if (
      negated !== undefined &&
      (negated === 'color' || BOOLEAN_INPUTS.has(ALIASES[negated] ?? negated))
    ) {
      if (inline !== undefined) throw new UsageError(`--${rawName} takes no value`)
      if (negated === 'color') cli.color = false
      else inputs[ALIASES[negated] ?? negated] = 'false'
    } else if (inputNames.has(name)) {
      const given = BOOLEAN_INPUTS.has(name) ? boolValue(rawName) : value(rawName)
      const separator = REPEATABLE[name]
      if (separator !== undefined && inputs[name] !== undefined) inputs[name] += separator + given
      else if (inputs[name] !== undefined && inputs[name] !== given)
        throw new UsageError(`--${rawName} is given twice ('${inputs[name]}' and '${given}')`)
      else inputs[name] = given
    } else {
      const near = closest(rawName, flagNames())
      throw new UsageError(
        `unknown flag ${arg.split('=')[0]}${near ? `: did you mean --${near}?` : ''} (see --help)`
      )
    }
  }

  const [command, ...rest] = positional
  if (command !== undefined && !cliCommands().includes(command)) {
    const near = closest(command, cliCommands())
    throw new UsageError(
      `unknown command '${command}'${near ? `: did you mean '${near}'?` : ''} (commands: ${cliCommands().join(', ')})`
    )
  }
  const renderTargets: RenderTarget[] = []
  for (const word of rest) {
    if (command === 'render' && (RENDER_TARGETS as readonly string[]).includes(word)) {
      renderTargets.push(word as RenderTarget)
      continue
    }
    const near = command === 'render' ? closest(word, RENDER_TARGETS) : undefined
    throw new UsageError(
      command === 'render'
        ? `render takes ${RENDER_TARGETS.join(', ')}, not '${word}'${near ? `: did you mean '${near}'?` : ''}`
        : `unexpected argument '${word}' after ${command}: flags start with --`
    )
  }

  return {
    command,
    inputs,
    renderTargets,
    endpoint: stringFlag(cli.endpoint),
    region: stringFlag(cli.region),
    profile: stringFlag(cli.profile),
    summaryFile: stringFlag(cli['summary-file']),
    quiet: cli.quiet === true,
    debug: cli.debug === true,
    color: typeof cli.color === 'boolean' ? cli.color : undefined,
    help: cli.help === true
  }
}

function stringFlag(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** `--help`: the commands and every flag, grouped. */
export function helpText(): string {
  const inputs = Object.values(Input)
    .filter(name => name !== Input.Command)
    .map(name => {
      const alias = Object.entries(ALIASES)
        .filter(([, target]) => target === name)
        .map(([from]) => (from.length === 1 ? `-${from}` : `--${from}`))
      const shape = BOOLEAN_INPUTS.has(name)
        ? `[--no-${name}]`
        : REPEATABLE[name]
          ? '<value> (repeatable)'
          : '<value>'
      return `  --${name} ${shape}${alias.length > 0 ? `   also ${alias.join(', ')}` : ''}`
    })
  return [
    'Usage: ecs-deploy-action <command> [flags]',
    '',
    'Runs the same code as the GitHub Action, with the summary printed for a terminal.',
    '',
    'Commands:',
    '  deploy      register the task definition, update the service, wait (default)',
    '  diff        what a deploy would change (= deploy --dry-run)',
    '  render      print the rendered definitions to stdout: render [taskdef] [servicedef]',
    '  verify      read-only checks of roles, images, secrets and log groups',
    '  run         run one-off tasks (e.g. a migration) and wait for their exit codes',
    '  rollback    roll the service back to the previous revision',
    '  register    register the task definition only',
    '  promote     continue an ECS-native blue/green deployment paused at a PAUSE hook',
    ...cliCommands()
      .filter(
        name =>
          !['deploy', 'diff', 'render', 'verify', 'run', 'rollback', 'register', 'promote'].includes(name)
      )
      .map(name => `  ${name.padEnd(10)}  see README (command: ${name})`),
    '',
    'Action inputs (README "Inputs" says what each means; booleans: --name, --no-name, --name=false):',
    ...inputs,
    '',
    'Where AWS is (the SDK default credential chain, as the AWS CLI):',
    "  --region <region>      else the config's region, AWS_REGION, AWS_DEFAULT_REGION",
    '  --profile <name>       a profile of ~/.aws/config (sets AWS_PROFILE)',
    '  --endpoint <url>       one endpoint for every AWS service, e.g. the local emulator (sets AWS_ENDPOINT_URL)',
    '',
    'Other:',
    '  --summary-file <path>  also write the summary as Markdown (what the job summary would show)',
    '  --quiet                no log lines: the summary, warnings, errors and outputs only',
    '  --debug                print debug lines',
    '  --color, --no-color    colour the output (default: when the output is a terminal and NO_COLOR is unset)',
    '  -h, --help             this text',
    '',
    "Exit code: as the action's (0 on success, 1 on failure, a run's task exit code); 2 for a bad command line."
  ].join('\n')
}
