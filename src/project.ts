import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import type { AwsClients } from './aws/clients.js'
import {
  applyOverrides,
  configFromInputs,
  configFromInputsOnly,
  type ConfigOverrides
} from './config/from-inputs.js'
import { loadConfig } from './config/load.js'
import type { Config } from './config/types.js'
import {
  checkDefinitionFileSize,
  checkDefinitions,
  prepareServiceDefinition,
  prepareTaskDefinition,
  type ServiceDefinitionInput
} from './definitions/index.js'
import { ActionError } from './errors.js'
import type { ImageOverride } from './inputs.js'
import type { Logger } from './log.js'
import { decodeSource, formatOf, parseRendered, RenderedPositions } from './render/document.js'
import { builtinFunctions } from './render/functions.js'
import type { JsonnetContext } from './render/jsonnet/document.js'
import { pluginFunctions } from './render/plugins/index.js'
import { renderTemplate, type FunctionMap } from './render/template/index.js'

/** An ecspresso project: the config and both definitions, rendered and validated, ready to plan. */
export interface Project {
  readonly config: Config
  /** Undefined when the config names no task_definition. */
  readonly taskDefinition: RegisterTaskDefinitionCommandInput | undefined
  readonly serviceDefinition: ServiceDefinitionInput | undefined
  /** Paths as shown to people (relative to the working directory). */
  readonly taskDefinitionPath: string | undefined
  readonly serviceDefinitionPath: string | undefined
  /** Values that came from secret sources, masked in logs and never shown. */
  readonly secrets: readonly string[]
}

export interface LoadProjectOptions {
  readonly configPath: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly images?: readonly ImageOverride[]
  /** AWS clients for template plugins (ssm, secretsmanager, tfstate, cloudformation); made only if used. */
  readonly awsClients?: ((region: string) => AwsClients) | undefined
  /** Deploying the service's current revision: the task definition file is not rendered, as in ecspresso. */
  readonly skipTaskDefinition?: boolean
  /** The `redact` input: values of environment variables the templates read are secrets too. */
  readonly redact?: boolean | undefined
  /** The `cluster`, `service` and `task-definition` inputs: the config without a file, else over it. */
  readonly overrides?: ConfigOverrides | undefined
  /** The ext-str and ext-code inputs: Jsonnet's external variables. */
  readonly extStr?: Readonly<Record<string, string>> | undefined
  readonly extCode?: Readonly<Record<string, string>> | undefined
  readonly log: Logger
}

/**
 * Loads the config, renders both definition files and validates them. Read-only: a plugin may read from AWS,
 * but nothing is written, so any error here means no write happened.
 */
export async function loadProject(options: LoadProjectOptions): Promise<Project> {
  const secrets: string[] = []
  const sink = {
    add(value: string, source: string) {
      if (value === '' || secrets.includes(value)) return
      secrets.push(value)
      options.log.mask(value, source)
    }
  }
  const builtins = builtinFunctions(options.env, sink, { redactEnv: options.redact ?? false })
  const warn = (message: string, where: { file?: string; line?: number; column?: number }) =>
    options.log.warning(`${formatWhere(where)}${message}`, where)

  const jsonnet: JsonnetContext = {
    env: options.env,
    secrets: sink,
    redactEnv: options.redact ?? false,
    extStr: options.extStr,
    extCode: options.extCode
  }
  const overrides = options.overrides ?? {}
  const config = (await configFromInputsOnly(options.configPath, overrides))
    ? configFromInputs(overrides, options.env)
    : applyOverrides(
        await loadConfig({ path: options.configPath, env: options.env, functions: builtins, warn, jsonnet }),
        overrides
      )
  // ssm and secretsmanager work without a plugins entry, as in ecspresso; clients are made on first use.
  const makeClients = options.awsClients
  let clients: AwsClients | undefined
  const lazyClients = (): AwsClients => {
    if (!makeClients)
      throw new ActionError('template plugins need AWS access, which this command does not have')
    return (clients ??= makeClients(config.region))
  }
  const plugins = pluginFunctions(config.plugins, lazyClients, sink, config.path)
  const functions: FunctionMap = { ...builtins, ...plugins }
  const render = (absolute: string, shown: string) =>
    renderDefinition(absolute, shown, functions, { context: jsonnet, plugins })

  const show = (absolute: string): string => relative(process.cwd(), absolute) || absolute
  const taskDefinitionFile = options.skipTaskDefinition ? undefined : config.taskDefinition
  const taskDefinitionPath = taskDefinitionFile === undefined ? undefined : show(taskDefinitionFile)
  const serviceDefinitionPath =
    config.serviceDefinition === undefined ? undefined : show(config.serviceDefinition)

  // Both files render before either is validated, so one run reports template errors in both.
  const [task, service] = await Promise.all([
    taskDefinitionFile === undefined ? undefined : render(taskDefinitionFile, taskDefinitionPath!),
    config.serviceDefinition === undefined
      ? undefined
      : render(config.serviceDefinition, serviceDefinitionPath!)
  ])

  let taskDefinition: RegisterTaskDefinitionCommandInput | undefined
  if (task) {
    const prepared = prepareTaskDefinition(task.value, { file: taskDefinitionPath!, locate: task.locate })
    prepared.warnings.forEach(warning => options.log.warning(warning.text, warning.where))
    taskDefinition = applyImages(prepared.value, options.images ?? [])
  } else if ((options.images ?? []).length > 0) {
    throw new ActionError('images are given but the config names no task_definition', {
      where: { input: 'images' },
      hint: 'add task_definition to the config, or remove the images input'
    })
  }
  let serviceDefinition: ServiceDefinitionInput | undefined
  if (service) {
    const prepared = prepareServiceDefinition(service.value, {
      file: serviceDefinitionPath!,
      locate: service.locate
    })
    prepared.warnings.forEach(warning => options.log.warning(warning.text, warning.where))
    serviceDefinition = prepared.value
  }
  checkDefinitions({
    taskDefinition,
    task,
    taskDefinitionPath,
    serviceDefinition,
    service,
    serviceDefinitionPath
  })
  return { config, taskDefinition, serviceDefinition, taskDefinitionPath, serviceDefinitionPath, secrets }
}

async function renderDefinition(
  absolute: string,
  shown: string,
  functions: FunctionMap,
  jsonnet: { context: JsonnetContext; plugins: FunctionMap }
) {
  let bytes: Buffer
  try {
    bytes = await readFile(absolute)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ActionError(
      code === 'ENOENT'
        ? `definition file not found: ${shown}`
        : `cannot read ${shown}: ${(error as Error).message}`,
      {
        hint: 'paths in the config are relative to the config file; the task-definition input, to the workspace'
      }
    )
  }
  const source = decodeSource(bytes, shown)
  checkDefinitionFileSize(source, shown)
  // A `.json` definition is JSON, not Jsonnet, as in ecspresso.
  if (/\.(jsonnet|libsonnet)$/i.test(absolute)) {
    const { renderJsonnetDocument } = await import('./render/jsonnet/document.js')
    return renderJsonnetDocument({ shown, source }, functions, jsonnet.context, jsonnet.plugins)
  }
  const rendered = await renderTemplate(source, { file: shown, functions })
  return parseRendered(
    new RenderedPositions(shown, rendered.text, rendered.lineMap, rendered.templatePosition),
    formatOf(absolute)
  )
}

/** Replaces the image of each named container; a name that matches no container is an input error. */
export function applyImages(
  definition: RegisterTaskDefinitionCommandInput,
  images: readonly ImageOverride[]
): RegisterTaskDefinitionCommandInput {
  if (images.length === 0) return definition
  const containers = definition.containerDefinitions ?? []
  const names = containers.map(c => c.name ?? '')
  const unknown = images.filter(o => !names.includes(o.container))
  if (unknown.length > 0) {
    throw new ActionError(
      `images names ${unknown.map(o => `'${o.container}'`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a container of task definition '${definition.family ?? ''}'`,
      { where: { input: 'images' }, hint: `the containers are: ${names.join(', ') || '(none)'}` }
    )
  }
  return {
    ...definition,
    containerDefinitions: containers.map(c => {
      const override = images.find(o => o.container === c.name)
      return override ? { ...c, image: override.image } : c
    })
  }
}

function formatWhere(where: { file?: string; line?: number; column?: number }): string {
  if (where.file === undefined) return ''
  return `${where.file}${where.line === undefined ? '' : `:${where.line}`}${where.column === undefined ? '' : `:${where.column}`}: `
}
