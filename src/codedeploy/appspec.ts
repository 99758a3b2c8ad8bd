/**
 * The AppSpec of an ECS blue/green deployment, laid out as ecspresso writes it: `version: "0.0"`, one
 * `TargetService` resource of type `AWS::ECS::Service` whose properties come from the service definition
 * (falling back to the live service), and the `Hooks` list from the config's `appspec` section.
 */
import { readFile } from 'node:fs/promises'
import { dirname, extname, relative, resolve } from 'node:path'
import type { Service } from '@aws-sdk/client-ecs'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { ActionError, closest } from '../errors.js'
import type { ServiceDefinition } from '../ecs/service-input.js'

/** The lifecycle events of an ECS deployment that may run a Lambda hook, in the order they run. */
export const HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic'
] as const
export type HookEvent = (typeof HOOK_EVENTS)[number]

/** One entry of the `Hooks` list: a lifecycle event and the Lambda function (name or ARN) it invokes. */
export interface AppSpecHook {
  readonly event: HookEvent
  readonly functionName: string
}

export interface AppSpecProperties {
  TaskDefinition: string
  LoadBalancerInfo: { ContainerName: string; ContainerPort: number }
  PlatformVersion?: string
  NetworkConfiguration?: {
    AwsvpcConfiguration: { Subnets?: string[]; SecurityGroups?: string[]; AssignPublicIp?: string }
  }
  CapacityProviderStrategy?: { CapacityProvider?: string; Base?: number; Weight?: number }[]
}

/** The AppSpec document, with AWS's key names. */
export interface AppSpec {
  version: '0.0'
  Resources: [{ TargetService: { Type: 'AWS::ECS::Service'; Properties: AppSpecProperties } }]
  Hooks?: Partial<Record<HookEvent, string>>[]
}

export interface AppSpecInput {
  readonly taskDefinitionArn: string
  /** The rendered service definition; its fields win over the live service's. */
  readonly definition: ServiceDefinition | undefined
  /** The service as it runs now. */
  readonly live: Service | undefined
  readonly hooks: readonly AppSpecHook[]
  /** Names the service in errors. */
  readonly serviceName?: string | undefined
  /** Where the load balancers came from, for the error when there are none. */
  readonly definitionFile?: string | undefined
}

/**
 * Builds the AppSpec for a deployment of `taskDefinitionArn`. Each property is the service definition's when
 * it sets one, otherwise the live service's. A service without a load balancer cannot be deployed blue/green.
 */
export function buildAppSpec(input: AppSpecInput): AppSpec {
  const pick = <K extends keyof ServiceDefinition & keyof Service>(key: K) =>
    (input.definition?.[key] ?? input.live?.[key] ?? undefined) as Service[K] | undefined
  const loadBalancer = pick('loadBalancers')?.[0]
  if (loadBalancer?.containerName === undefined || loadBalancer.containerPort === undefined) {
    const name = input.serviceName === undefined ? 'the service' : `service ${input.serviceName}`
    throw new ActionError(
      `${name} has no load balancer with a container name and port; a CodeDeploy blue/green deployment needs one`,
      {
        where: input.definitionFile === undefined ? undefined : { file: input.definitionFile },
        hint: 'add loadBalancers (targetGroupArn, containerName, containerPort) to the service definition'
      }
    )
  }
  const properties: AppSpecProperties = {
    TaskDefinition: input.taskDefinitionArn,
    LoadBalancerInfo: { ContainerName: loadBalancer.containerName, ContainerPort: loadBalancer.containerPort }
  }
  const platformVersion = pick('platformVersion')
  if (platformVersion) properties.PlatformVersion = platformVersion
  const awsvpc = pick('networkConfiguration')?.awsvpcConfiguration
  if (awsvpc !== undefined) {
    const vpc: NonNullable<AppSpecProperties['NetworkConfiguration']>['AwsvpcConfiguration'] = {}
    if (awsvpc.subnets?.length) vpc.Subnets = [...awsvpc.subnets]
    if (awsvpc.securityGroups?.length) vpc.SecurityGroups = [...awsvpc.securityGroups]
    if (awsvpc.assignPublicIp) vpc.AssignPublicIp = awsvpc.assignPublicIp
    properties.NetworkConfiguration = { AwsvpcConfiguration: vpc }
  }
  const strategy = pick('capacityProviderStrategy')
  if (strategy?.length) {
    properties.CapacityProviderStrategy = strategy.map(s => ({
      ...(s.capacityProvider === undefined ? {} : { CapacityProvider: s.capacityProvider }),
      ...(s.base === undefined ? {} : { Base: s.base }),
      ...(s.weight === undefined ? {} : { Weight: s.weight })
    }))
  }
  const spec: AppSpec = {
    version: '0.0',
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }]
  }
  if (input.hooks.length > 0) spec.Hooks = input.hooks.map(h => ({ [h.event]: h.functionName }))
  return spec
}

/** The AppSpec as the YAML text sent in AppSpecContent (and shown in the log). */
export function renderAppSpec(spec: AppSpec): string {
  return stringifyYaml(spec, { lineWidth: 0 })
}

/** The Lambda function a hook event invokes, if the AppSpec names one. */
export function hookFunction(hooks: readonly AppSpecHook[], event: string): string | undefined {
  return hooks.find(h => h.event === event)?.functionName
}

export interface LoadedHooks {
  readonly hooks: AppSpecHook[]
  /** Things in the appspec that are not used, said to a person. */
  readonly warnings: string[]
}

/**
 * The hooks of the config's `appspec`: a mapping written in ecspresso.yml, or the path (relative to the
 * config) of a `.yml`/`.yaml`/`.json` AppSpec file. As in ecspresso, only `Hooks` is taken from it; the
 * resources always come from the service definition, so `Resources` there is ignored with a warning.
 */
export async function loadAppSpecHooks(appspec: unknown, configPath: string): Promise<LoadedHooks> {
  if (appspec === undefined || appspec === null) return { hooks: [], warnings: [] }
  const configFile = relative(process.cwd(), configPath) || configPath
  if (typeof appspec === 'string') {
    const absolute = resolve(dirname(configPath), appspec)
    const shown = relative(process.cwd(), absolute) || absolute
    const ext = extname(absolute).toLowerCase()
    if (!['.yml', '.yaml', '.json'].includes(ext)) {
      throw new ActionError(`appspec file '${appspec}' must end in .yml, .yaml or .json`, {
        where: { file: configFile }
      })
    }
    let text: string
    try {
      text = await readFile(absolute, 'utf8')
    } catch (error) {
      throw new ActionError(
        `cannot read appspec file ${shown}: ${(error as NodeJS.ErrnoException).code ?? ''}`,
        {
          where: { file: configFile },
          hint: 'the appspec path is relative to the config file',
          cause: error
        }
      )
    }
    let parsed: unknown
    try {
      parsed = ext === '.json' ? JSON.parse(text) : parseYaml(text)
    } catch (error) {
      throw new ActionError(
        `appspec file ${shown} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
        {
          where: { file: shown },
          cause: error
        }
      )
    }
    return parseAppSpecHooks(parsed, shown)
  }
  return parseAppSpecHooks(appspec, configFile, 'appspec.')
}

/** Reads and checks the `Hooks` list of an AppSpec document (pure). */
export function parseAppSpecHooks(doc: unknown, file: string, prefix = ''): LoadedHooks {
  const warnings: string[] = []
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ActionError(`${prefix || 'the appspec'} must be a mapping with a Hooks list`, {
      where: { file }
    })
  }
  const record = doc as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (key === 'Hooks' || key === 'version') continue
    if (key === 'Resources') {
      warnings.push(
        `${file}: ${prefix}Resources is ignored: the AppSpec resources are built from the service definition (as ecspresso does)`
      )
      continue
    }
    const near = closest(key, ['Hooks', 'Resources', 'version'])
    warnings.push(
      `${file}: unknown key '${prefix}${key}' is ignored${near ? `; did you mean '${near}'?` : ''}`
    )
  }
  const list = record.Hooks
  if (list === undefined || list === null) return { hooks: [], warnings }
  if (!Array.isArray(list)) {
    throw new ActionError(`${prefix}Hooks must be a list like '- BeforeInstall: MyLambda'`, {
      where: { file }
    })
  }
  const hooks: AppSpecHook[] = []
  list.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ActionError(`${prefix}Hooks[${index}] must be a mapping like 'BeforeInstall: MyLambda'`, {
        where: { file }
      })
    }
    for (const [event, fn] of Object.entries(entry as Record<string, unknown>)) {
      if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
        const near = closest(event, HOOK_EVENTS)
        throw new ActionError(`${prefix}Hooks[${index}]: '${event}' is not an ECS lifecycle event`, {
          where: { file },
          hint: near ? `did you mean '${near}'?` : `use one of ${HOOK_EVENTS.join(', ')}`
        })
      }
      if (typeof fn !== 'string' || fn === '') {
        throw new ActionError(
          `${prefix}Hooks[${index}].${event} must be the name or ARN of a Lambda function`,
          {
            where: { file }
          }
        )
      }
      if (hooks.some(h => h.event === event)) {
        throw new ActionError(`${prefix}Hooks names ${event} twice; CodeDeploy runs one function per event`, {
          where: { file }
        })
      }
      hooks.push({ event: event as HookEvent, functionName: fn })
    }
  })
  return { hooks, warnings }
}
