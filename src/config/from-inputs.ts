/**
 * The `cluster`, `service` and `task-definition` inputs: with no config file (aws-actions users), they are the
 * config; with one, they override its values, as ecspresso's flags do.
 */
import { access } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Config } from './types.js'

export interface ConfigOverrides {
  readonly cluster?: string | undefined
  readonly service?: string | undefined
  /** A task definition file (JSON or YAML), relative to the working directory. */
  readonly taskDefinition?: string | undefined
}

/** The `config` input's default: when it is left so and no such file exists, the inputs may stand in. */
export const DEFAULT_CONFIG_PATH = 'ecspresso.yml'

const given = (overrides: ConfigOverrides): boolean =>
  overrides.cluster !== undefined || overrides.service !== undefined || overrides.taskDefinition !== undefined

/** Should the config come from the inputs alone? Only with `config` at its default, no such file, and inputs. */
export async function configFromInputsOnly(configPath: string, overrides: ConfigOverrides): Promise<boolean> {
  if (configPath !== DEFAULT_CONFIG_PATH || !given(overrides)) return false
  try {
    await access(resolve(configPath))
    return false
  } catch {
    return true
  }
}

/** A config made of the inputs: region from AWS_REGION, cluster `default` unless given, no service definition. */
export function configFromInputs(
  overrides: ConfigOverrides,
  env: Readonly<Record<string, string | undefined>>
): Config {
  return {
    // Messages that point at the config name the inputs instead.
    path: resolve('(action inputs)'),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || '',
    cluster: overrides.cluster || 'default',
    service: overrides.service,
    serviceDefinition: undefined,
    taskDefinition: overrides.taskDefinition === undefined ? undefined : resolve(overrides.taskDefinition),
    timeoutMs: undefined,
    codedeploy: undefined,
    appspec: undefined,
    plugins: [],
    requiredVersion: undefined,
    ignore: { tags: [] }
  }
}

/** The config with the inputs given laid over it. */
export function applyOverrides(config: Config, overrides: ConfigOverrides): Config {
  return {
    ...config,
    ...(overrides.cluster === undefined ? {} : { cluster: overrides.cluster }),
    ...(overrides.service === undefined ? {} : { service: overrides.service }),
    ...(overrides.taskDefinition === undefined ? {} : { taskDefinition: resolve(overrides.taskDefinition) })
  }
}
