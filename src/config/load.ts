import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { durationHint, isBareNumber, parseDuration } from '../duration.js'
import { ActionError, ActionErrors, closest } from '../errors.js'
import {
  decodeSource,
  parseRendered,
  RenderedPositions,
  type JsonPath,
  type Locate
} from '../render/document.js'
import type { JsonnetContext } from '../render/jsonnet/document.js'
import { renderTemplate, type FunctionMap } from '../render/template/index.js'
import { checkRequiredVersion } from './required-version.js'
import type { CodeDeployConfig, Config, IgnoreConfig, PluginConfig } from './types.js'

/** The keys ecspresso v2 reads from its config. */
const KNOWN_KEYS = [
  'region',
  'cluster',
  'service',
  'service_definition',
  'task_definition',
  'timeout',
  'codedeploy',
  'appspec',
  'plugins',
  'required_version',
  'ignore',
  'filter_command'
] as const

export interface LoadConfigOptions {
  /** Path as the user gave it (relative to the working directory). */
  readonly path: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Template functions for the config file itself (ecspresso's built-ins; plugins are defined inside it). */
  readonly functions: FunctionMap
  /** Problems that do not stop the run (unknown keys), each with where it is. */
  readonly warn: (message: string, where: { file: string; line?: number; column?: number }) => void
  /** For a Jsonnet config: ext-str/ext-code and secret handling of its natives. */
  readonly jsonnet?: JsonnetContext | undefined
}

/** ecspresso evaluates `.json` and `.jsonnet` configs as Jsonnet (comments, unquoted keys, trailing commas). */
export function isJsonnetConfig(path: string): boolean {
  return /\.(json|jsonnet|libsonnet)$/i.test(path)
}

export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const path = resolve(options.path)
  const source = await readSource(path, options.path)
  if (isJsonnetConfig(path)) {
    // As ecspresso: Jsonnet first (natives env and must_env), then templates on the JSON it printed.
    const { renderJsonnetDocument } = await import('../render/jsonnet/document.js')
    const { value, locate } = await renderJsonnetDocument(
      { shown: options.path, source },
      options.functions,
      options.jsonnet ?? { env: options.env }
    )
    return validateConfig(value, { path, file: options.path, locate, env: options.env, warn: options.warn })
  }
  const rendered = await renderTemplate(source, { file: options.path, functions: options.functions })
  const positions = new RenderedPositions(
    options.path,
    rendered.text,
    rendered.lineMap,
    rendered.templatePosition
  )
  // ecspresso reads any non-Jsonnet config as YAML.
  const { value, locate } = parseRendered(positions, 'yaml')
  return validateConfig(value, { path, file: options.path, locate, env: options.env, warn: options.warn })
}

async function readSource(absolute: string, shown: string): Promise<string> {
  try {
    return decodeSource(await readFile(absolute), shown)
  } catch (error) {
    if (error instanceof ActionError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new ActionError(`config file not found (looked for ${absolute})`, {
        where: { input: 'config' },
        hint: `set the 'config' input to the path of your ecspresso.yml, relative to the workspace (got '${shown}'); check that actions/checkout ran first`
      })
    }
    if (code === 'EISDIR') {
      throw new ActionError(`'${shown}' is a directory, not a config file`, {
        where: { input: 'config' },
        hint: 'point the config input at the ecspresso.yml inside it'
      })
    }
    throw new ActionError(`cannot read config file '${shown}': ${(error as Error).message}`, {
      where: { input: 'config' }
    })
  }
}

interface ValidateContext {
  readonly path: string
  readonly file: string
  readonly locate: Locate
  readonly env: Readonly<Record<string, string | undefined>>
  readonly warn: LoadConfigOptions['warn']
}

function validateConfig(value: unknown, ctx: ValidateContext): Config {
  const errors: ActionError[] = []
  const fail = (path: JsonPath, message: string, hint?: string): void => {
    errors.push(new ActionError(message, { where: ctx.locate(path) ?? { file: ctx.file }, hint }))
  }
  if (value === null || value === undefined) value = {}
  if (!isRecord(value)) {
    throw new ActionError('the config must be a mapping of keys (region, cluster, service, …)', {
      where: ctx.locate([]) ?? { file: ctx.file }
    })
  }
  const root = value

  for (const key of Object.keys(root)) {
    if ((KNOWN_KEYS as readonly string[]).includes(key)) continue
    const near = closest(key, KNOWN_KEYS)
    const where = ctx.locate([key]) ?? { file: ctx.file }
    ctx.warn(
      `unknown config key '${key}' is ignored${near ? `; did you mean '${near}'?` : ''}`,
      stripUndefined({ file: where.file ?? ctx.file, line: where.line, column: where.column })
    )
  }

  const string = (
    key: string,
    parent: Record<string, unknown> = root,
    path: JsonPath = [key]
  ): string | undefined => {
    const v = parent[key]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
    fail(path, `'${path.join('.')}' must be a string, not ${describeType(v)}`)
    return undefined
  }
  const record = (key: string, parent: Record<string, unknown> = root, path: JsonPath = [key]) => {
    const v = parent[key]
    if (v === undefined || v === null) return undefined
    if (isRecord(v)) return v
    fail(path, `'${path.join('.')}' must be a mapping, not ${describeType(v)}`)
    return undefined
  }

  if (root.filter_command !== undefined && root.filter_command !== null) {
    fail(
      ['filter_command'],
      'filter_command is not supported by this action',
      'remove filter_command from the config; it only applies to the interactive ecspresso CLI'
    )
  }

  const dir = dirname(ctx.path)
  const pathOf = (key: string): string | undefined => {
    const v = string(key)
    return v === undefined || v === '' ? undefined : resolve(dir, v)
  }

  let timeoutMs: number | undefined
  const timeoutText = string('timeout')
  if (timeoutText !== undefined) {
    // A Go duration, as ecspresso parses it (time.ParseDuration): every number has a unit.
    timeoutMs = parseDuration(timeoutText)
    if (timeoutMs === undefined || timeoutMs <= 0) {
      fail(
        ['timeout'],
        isBareNumber(timeoutText)
          ? `timeout '${timeoutText}' has no unit`
          : `timeout '${timeoutText}' is not a duration`,
        durationHint(timeoutText, 'write it as ecspresso does, e.g. 10m, 300s or 1h30m')
      )
      timeoutMs = undefined
    }
  }

  let codedeploy: CodeDeployConfig | undefined
  const codedeployRecord = record('codedeploy')
  if (codedeployRecord) {
    const known = ['application_name', 'deployment_group_name', 'deployment_config_name']
    for (const key of Object.keys(codedeployRecord)) {
      if (!known.includes(key)) {
        const near = closest(key, known)
        fail(
          ['codedeploy', key],
          `unknown key 'codedeploy.${key}'`,
          near ? `did you mean '${near}'?` : `known keys: ${known.join(', ')}`
        )
      }
    }
    codedeploy = {
      applicationName: string('application_name', codedeployRecord, ['codedeploy', 'application_name']),
      deploymentGroupName: string('deployment_group_name', codedeployRecord, [
        'codedeploy',
        'deployment_group_name'
      ]),
      deploymentConfigName: string('deployment_config_name', codedeployRecord, [
        'codedeploy',
        'deployment_config_name'
      ])
    }
  }

  const plugins: PluginConfig[] = []
  const pluginList = root.plugins
  if (pluginList !== undefined && pluginList !== null) {
    if (!Array.isArray(pluginList))
      fail(['plugins'], `'plugins' must be a list, not ${describeType(pluginList)}`)
    else {
      pluginList.forEach((entry: unknown, index) => {
        if (!isRecord(entry))
          return fail(['plugins', index], `plugins[${index}] must be a mapping with a name`)
        const name = string('name', entry, ['plugins', index, 'name'])
        if (name === undefined || name === '')
          return fail(['plugins', index], `plugins[${index}] has no name`, 'e.g. name: tfstate')
        const config = record('config', entry, ['plugins', index, 'config']) ?? {}
        plugins.push({
          name,
          config,
          funcPrefix: string('func_prefix', entry, ['plugins', index, 'func_prefix']) ?? ''
        })
      })
    }
  }

  let ignore: IgnoreConfig = { tags: [] }
  const ignoreRecord = record('ignore')
  if (ignoreRecord && ignoreRecord.tags !== undefined && ignoreRecord.tags !== null) {
    const tags = ignoreRecord.tags
    if (Array.isArray(tags) && tags.every(tag => typeof tag === 'string')) ignore = { tags }
    else fail(['ignore', 'tags'], `'ignore.tags' must be a list of tag keys`)
  }

  const appspec = root.appspec
  if (appspec !== undefined && appspec !== null && !isRecord(appspec) && typeof appspec !== 'string') {
    fail(
      ['appspec'],
      `'appspec' must be a mapping (or the path of an appspec file), not ${describeType(appspec)}`
    )
  }

  const requiredVersion = string('required_version')
  if (requiredVersion !== undefined) {
    const problem = checkRequiredVersion(
      requiredVersion,
      ctx.locate(['required_version']) ?? { file: ctx.file }
    )
    if (problem) errors.push(problem)
  }

  const config: Config = {
    path: ctx.path,
    region: string('region') || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || '',
    cluster: string('cluster') || 'default',
    service: string('service') || undefined,
    serviceDefinition: pathOf('service_definition'),
    taskDefinition: pathOf('task_definition'),
    timeoutMs,
    codedeploy,
    appspec: appspec ?? undefined,
    plugins,
    requiredVersion,
    ignore
  }
  if (errors.length > 0) throw new ActionErrors(errors)
  return config
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'a mapping'
  return `a ${typeof value}`
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never
}
