/**
 * ecspresso's built-in template functions (from kayac/go-config): `env`, `must_env`, `json_escape`.
 * They read the environment record they are given, never `process.env` directly.
 */
import { ActionError } from '../errors.js'
import { goTypeName } from './template/format.js'
import { CallShapeError, type FunctionMap } from './template/index.js'

/** Receives values read from secret sources, so the caller can mask them in logs and hide them everywhere. */
export interface SecretSink {
  /** `source` names where the value came from (`env DB_PASSWORD`), never the value. */
  add(value: string, source: string): void
}

/** Environment variables always treated as secrets, whatever `redact` says. */
export const ALWAYS_SECRET_ENV = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  // Not secret by AWS's definition, but configure-aws-credentials masks it, and it names the account's key.
  'AWS_ACCESS_KEY_ID',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
] as const

/**
 * Variables a template may read that are public by construction (the runner sets them, or the action's own
 * `image-tag` input): not treated as secrets under `redact`, so image tags and commit SHAs stay readable.
 */
export const PUBLIC_ENV: ReadonlySet<string> = new Set([
  'IMAGE_TAG',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'CI',
  'GITHUB_ACTION',
  'GITHUB_ACTOR',
  'GITHUB_BASE_REF',
  'GITHUB_EVENT_NAME',
  'GITHUB_HEAD_REF',
  'GITHUB_JOB',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'GITHUB_REPOSITORY',
  'GITHUB_REPOSITORY_OWNER',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_NUMBER',
  'GITHUB_SERVER_URL',
  'GITHUB_SHA',
  'GITHUB_WORKFLOW',
  'RUNNER_ARCH',
  'RUNNER_OS'
])

export interface BuiltinOptions {
  /** The `redact` input: every variable a template reads (but PUBLIC_ENV) is a secret. */
  readonly redactEnv?: boolean | undefined
}

/** Whether a value read from the environment variable `name` is a secret. */
export function isSecretEnv(name: string, redactEnv: boolean): boolean {
  return (ALWAYS_SECRET_ENV as readonly string[]).includes(name) || (redactEnv && !PUBLIC_ENV.has(name))
}

function strings(args: readonly unknown[]): string[] {
  return args.map(arg => {
    if (typeof arg !== 'string')
      throw new CallShapeError(`wrong type for value; expected string; got ${goTypeName(arg)}`)
    return arg
  })
}

/**
 * go-config's `env`: every argument is looked up in turn and the first non-empty value wins; when none is
 * set, the result is the last argument itself. So `env "A" "default"` gives A's value or `default`, and, as
 * in go-config, `env "A"` with A unset or empty gives the text `A`.
 */
export function envLookup(
  env: Readonly<Record<string, string | undefined>>,
  keys: readonly string[],
  read?: (name: string, value: string) => void
): string {
  let value = ''
  for (const key of keys) {
    value = env[key] ?? ''
    if (value !== '') {
      read?.(key, value)
      return value
    }
    value = key
  }
  return value
}

/** Go's json.Marshal of a string, without the surrounding quotes (`<`, `>`, `&`, U+2028/9 escaped too). */
export function jsonEscape(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    switch (ch) {
      case '"':
        out += '\\"'
        continue
      case '\\':
        out += '\\\\'
        continue
      case '\n':
        out += '\\n'
        continue
      case '\r':
        out += '\\r'
        continue
      case '\t':
        out += '\\t'
        continue
      case '\b':
        out += '\\b'
        continue
      case '\f':
        out += '\\f'
        continue
    }
    if (code < 0x20 || ch === '<' || ch === '>' || ch === '&' || code === 0x2028 || code === 0x2029) {
      out += '\\u' + code.toString(16).padStart(4, '0')
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '\\ufffd' // a lone surrogate is not valid UTF-8; Go writes the replacement character
    } else out += ch
  }
  return out
}

function mustEnvHint(name: string): string {
  if (name === 'IMAGE_TAG')
    return 'set the image-tag input of the step (it is exported to templates as IMAGE_TAG)'
  return `set ${name} in the workflow step's env: block (env:\n    ${name}: …); an empty value is accepted`
}

export function builtinFunctions(
  env: Readonly<Record<string, string | undefined>>,
  secrets?: SecretSink,
  options: BuiltinOptions = {}
): FunctionMap {
  // Registered as it is read, so it is masked before any line can show it.
  const read = (name: string, value: string): void => {
    if (secrets && isSecretEnv(name, options.redactEnv ?? false)) secrets.add(value, `env ${name}`)
  }
  return {
    env: (...args: unknown[]) => envLookup(env, strings(args), read),
    must_env: (...args: unknown[]) => {
      if (args.length !== 1)
        throw new CallShapeError(`wrong number of args for must_env: want 1 got ${args.length}`)
      const [name] = strings(args) as [string]
      const value = env[name]
      if (value !== undefined) {
        read(name, value)
        return value
      }
      throw new ActionError(`environment variable ${name} is not defined`, { hint: mustEnvHint(name) })
    },
    json_escape: (...args: unknown[]) => {
      if (args.length !== 1)
        throw new CallShapeError(`wrong number of args for json_escape: want 1 got ${args.length}`)
      return jsonEscape(strings(args)[0]!)
    }
  }
}
