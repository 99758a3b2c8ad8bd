/**
 * ecspresso's Jsonnet native functions (`std.native('name')`): `env` and `must_env` everywhere, and in
 * definitions the plugins' (ssm, secretsmanager, cloudformation, tfstate; with each plugin's func_prefix),
 * with the parameter lists ecspresso registers. Plugin natives call the template functions of the same name,
 * so lookups, caching and secret handling are the templates' own.
 */
import { isSecretEnv, type SecretSink } from '../functions.js'
import { JSONNET_VALUE } from '../plugins/tfstate.js'
import type { FunctionMap } from '../template/index.js'
import type { NativeFunction, Natives } from './index.js'

/** Parameters of the plugin natives, as ssm-lookup, ecspresso's secretsmanager, cfn-lookup, tfstate-lookup. */
const PLUGIN_PARAMS: Readonly<Record<string, readonly string[]>> = {
  ssm: ['name'],
  ssm_list: ['name', 'index'],
  secretsmanager_arn: ['id'],
  secretsmanager_arnf: ['format', 'args'],
  cfn_output: ['stackName', 'outputKey'],
  cfn_export: ['name'],
  tfstate: ['address']
}

export interface EnvNativeOptions {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly secrets?: SecretSink | undefined
  /** The `redact` input: every variable read (but the public ones) is a secret. */
  readonly redactEnv?: boolean | undefined
}

/** `env(name, default)` and `must_env(name)`, as ecspresso's DefaultJsonnetNativeFuncs. */
export function envNatives(options: EnvNativeOptions): Natives {
  const read = (name: string, value: string): string => {
    if (isSecretEnv(name, options.redactEnv ?? false)) options.secrets?.add(value, `env ${name}`)
    return value
  }
  return {
    env: {
      params: ['name', 'default'],
      call: ([name, fallback]) => {
        if (typeof name !== 'string') throw new Error('env: invalid argument type')
        const value = options.env[name]
        return value !== undefined && value !== '' ? read(name, value) : fallback
      }
    },
    must_env: {
      params: ['name'],
      call: ([name]) => {
        if (typeof name !== 'string') throw new Error('must_env: invalid argument type')
        const value = options.env[name]
        if (value === undefined) throw new Error(`must_env: ${name} is not set`)
        return read(name, value)
      }
    }
  }
}

/** The plugin natives among a config's template functions (their names carry the plugin's func_prefix). */
export function pluginNatives(functions: FunctionMap): Natives {
  const natives: Record<string, NativeFunction> = {}
  const bases = Object.keys(PLUGIN_PARAMS).sort((a, b) => b.length - a.length)
  for (const [name, fn] of Object.entries(functions)) {
    const base = bases.find(b => name.endsWith(b))
    if (base === undefined) continue
    const special = (fn as { [JSONNET_VALUE]?: (...args: unknown[]) => unknown })[JSONNET_VALUE]
    natives[name] = { params: PLUGIN_PARAMS[base]!, call: args => (special ?? fn)(...args) }
  }
  return natives
}
