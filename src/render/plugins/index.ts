/**
 * ecspresso's template plugins: `ssm` and `secretsmanager` are always on (as in ecspresso); `tfstate` and
 * `cloudformation` come from the config's `plugins:` list, each optionally with a `func_prefix`.
 * AWS clients are made only when a function is first called.
 */
import { dirname } from 'node:path'
import type { AwsClients } from '../../aws/clients.js'
import type { PluginConfig } from '../../config/types.js'
import { ActionError } from '../../errors.js'
import type { SecretSink } from '../functions.js'
import type { FunctionMap } from '../template/index.js'
import { cloudFormationFunctions } from './cloudformation.js'
import { secretsManagerFunctions } from './secretsmanager.js'
import { ssmFunctions } from './ssm.js'
import { tfstateFunctions } from './tfstate.js'

export type { PluginConfig }
/** Returns the AWS clients, made on first use. */
export type PluginClients = () => AwsClients

const DEFAULT_PLUGINS = ['ssm', 'secretsmanager']
const KNOWN = ['ssm', 'secretsmanager', 'tfstate', 'cloudformation']

function optionalString(plugin: PluginConfig, key: string): string | undefined {
  const value = plugin.config[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') {
    throw new ActionError(`${plugin.name} plugin requires ${key} as a string`, {
      hint: `set plugins[].config.${key} to a string in the config`
    })
  }
  return value
}

function functionsOf(
  plugin: PluginConfig,
  clients: PluginClients,
  secrets: SecretSink,
  baseDir: string
): FunctionMap {
  switch (plugin.name.toLowerCase()) {
    case 'ssm':
      return ssmFunctions(() => clients().ssm(), secrets)
    case 'secretsmanager':
      return secretsManagerFunctions(() => clients().secretsManager())
    case 'cloudformation':
      return cloudFormationFunctions(() => clients().cloudFormation())
    case 'tfstate': {
      const path = optionalString(plugin, 'path')
      const url = optionalString(plugin, 'url')
      if (path === undefined && url === undefined) {
        throw new ActionError('tfstate plugin requires path or url for tfstate location', {
          hint: 'add config: { path: terraform.tfstate } or config: { url: s3://bucket/key } to the plugin'
        })
      }
      return tfstateFunctions({ path, url }, baseDir, () => clients().s3(), fetch, secrets)
    }
    default:
      throw new ActionError(`plugin ${plugin.name} is not available`, {
        hint: `available plugins: ${KNOWN.join(', ')}`
      })
  }
}

/**
 * The plugin functions for a config. `base` is the config file (or its directory): relative tfstate paths
 * resolve against its directory, as in ecspresso.
 */
export function pluginFunctions(
  plugins: readonly PluginConfig[],
  clients: PluginClients,
  secrets: SecretSink,
  base: string
): FunctionMap {
  const baseDir = /\.(ya?ml|json|jsonnet)$/i.test(base) ? dirname(base) : base
  const all: Record<string, FunctionMap[string]> = {}
  const defaults = DEFAULT_PLUGINS.map(name => ({ name, config: {}, funcPrefix: '' }))
  for (const plugin of [...defaults, ...plugins]) {
    const isDefault = DEFAULT_PLUGINS.includes(plugin.name.toLowerCase())
    for (const [name, fn] of Object.entries(functionsOf(plugin, clients, secrets, baseDir))) {
      const full = plugin.funcPrefix + name
      if (Object.prototype.hasOwnProperty.call(all, full)) {
        if (isDefault) continue // ecspresso skips a default plugin's function that already exists
        throw new ActionError(`template function ${full} already exists`, {
          hint: `set func_prefix for the ${plugin.name} plugin`
        })
      }
      all[full] = fn
    }
  }
  return all
}
