import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { S3Client } from '@aws-sdk/client-s3'
import { jsonEscape, type SecretSink } from '../functions.js'
import { sprintf } from '../template/format.js'
import type { FunctionMap } from '../template/index.js'
import { awsMessage, memoize, stringArg } from './memo.js'

/** Where the state lives: `path` (relative to the config's directory) or `url` (`s3://bucket/key`, http(s)). */
export interface TFStateLocation {
  readonly path?: string | undefined
  readonly url?: string | undefined
}

interface Resource {
  module?: string
  mode?: string
  type?: string
  name?: string
  instances?: { index_key?: unknown; attributes?: unknown; attributes_flat?: unknown }[]
}

interface State {
  version?: number
  outputs?: Record<string, unknown>
  resources?: Resource[]
}

/** Addresses in a v4 state, as tfstate-lookup names them: `output.x`, `[module.m.][data.]type.name[idx]`. */
export function scanState(state: State): Map<string, unknown> {
  const scanned = new Map<string, unknown>()
  for (const [key, value] of Object.entries(state.outputs ?? {}))
    scanned.set(`output.${key}`, outputValue(value))
  for (const r of state.resources ?? []) {
    if (r.mode !== 'data' && r.mode !== 'managed') continue
    const base = `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`
    if (r.mode === 'data' && r.type === 'terraform_remote_state') {
      const attributes = r.instances?.[0]?.attributes
      if (attributes && typeof attributes === 'object') {
        const data = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, outputValue(v)]))
        scanned.set(base, data)
      }
      continue
    }
    for (const instance of r.instances ?? []) {
      const key = instance.index_key === undefined ? base : `${base}[${JSON.stringify(instance.index_key)}]`
      scanned.set(key, instance.attributes ?? instance.attributes_flat ?? null)
    }
  }
  return scanned
}

/** Outputs Terraform marks `sensitive`: what a template reads from them is a secret. */
export function sensitiveOutputs(state: State): Set<string> {
  const names = new Set<string>()
  for (const [key, value] of Object.entries(state.outputs ?? {}))
    if (value && typeof value === 'object' && (value as { sensitive?: unknown }).sensitive === true)
      names.add(`output.${key}`)
  return names
}

function outputValue(value: unknown): unknown {
  if (value && typeof value === 'object' && 'value' in value && 'type' in value) {
    return (value as { value: unknown }).value
  }
  return value
}

/** Follows `.a.b[0]["k"]` into a value; undefined when a step is missing. */
function query(value: unknown, path: string, address: string): unknown {
  const step = /^(?:\.([^.[\]]+)|\[(-?\d+)\]|\["([^"]*)"\])/
  let rest = path
  let current = value
  while (rest !== '' && rest !== '.') {
    const match = step.exec(rest)
    if (!match) throw new Error(`invalid address: ${address}`)
    rest = rest.slice(match[0].length)
    if (current === null || current === undefined) return undefined
    if (match[2] !== undefined) {
      if (!Array.isArray(current)) throw new Error(`cannot index ${typeof current} with number in ${address}`)
      const i = Number(match[2])
      current = current[i < 0 ? current.length + i : i]
    } else {
      if (typeof current !== 'object' || Array.isArray(current)) {
        throw new Error(`cannot index ${Array.isArray(current) ? 'array' : typeof current} in ${address}`)
      }
      current = (current as Record<string, unknown>)[match[1] ?? match[3]!]
    }
  }
  return current
}

export function lookupState(scanned: Map<string, unknown>, address: string): unknown {
  let found = ''
  for (const name of scanned.keys()) if (address.startsWith(name) && name.length > found.length) found = name
  if (found === '') return undefined
  let rest = address.slice(found.length)
  if (rest.startsWith('[')) rest = '.' + rest
  if (rest !== '' && !rest.startsWith('.')) return undefined
  return query(scanned.get(found), rest.replace(/^\.\[/, '['), address)
}

/** Go json.Marshal: sorted map keys, `<>&` escaped. */
function marshal(value: unknown): string {
  if (typeof value === 'string') return `"${jsonEscape(value)}"`
  if (Array.isArray(value)) return `[${value.map(marshal).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(k => `"${jsonEscape(k)}":${marshal((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** On a template function: the Jsonnet native of the same name, where it differs from the template one. */
export const JSONNET_VALUE = Symbol('jsonnet native')

/** The strings inside a value, each a secret when the value is. */
function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(leaves)
  if (value && typeof value === 'object') return Object.values(value).flatMap(leaves)
  return []
}

export function tfstateFunctions(
  location: TFStateLocation,
  baseDir: string,
  s3: () => Promise<S3Client>,
  fetchUrl: typeof fetch = fetch,
  secrets?: SecretSink
): FunctionMap {
  let sensitive = new Set<string>()
  const load = memoize(async (): Promise<Map<string, unknown>> => {
    let text: string
    const where = location.path ?? location.url ?? ''
    try {
      if (location.path !== undefined) {
        text = await readFile(
          isAbsolute(location.path) ? location.path : join(baseDir, location.path),
          'utf8'
        )
      } else if (location.url?.startsWith('s3://')) {
        const url = new URL(location.url)
        const { GetObjectCommand } = await import('@aws-sdk/client-s3')
        const out = await (
          await s3()
        ).send(new GetObjectCommand({ Bucket: url.host, Key: url.pathname.slice(1) }))
        text = (await out.Body?.transformToString('utf8')) ?? ''
      } else if (location.url && /^https?:\/\//.test(location.url)) {
        const response = await fetchUrl(location.url)
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        text = await response.text()
      } else {
        throw new Error(
          `URL scheme of ${String(location.url)} is not supported (use a path, s3:// or https://)`
        )
      }
    } catch (error) {
      throw new Error(`failed to read tfstate from ${where}: ${awsMessage(error)}`, { cause: error })
    }
    let state: State
    try {
      state = JSON.parse(text) as State
    } catch (error) {
      throw new Error(`failed to read tfstate from ${where}: invalid json`, { cause: error })
    }
    if (state.version !== 4) throw new Error(`unsupported state version ${String(state.version)} in ${where}`)
    sensitive = sensitiveOutputs(state)
    return scanState(state)
  })
  const lookup = async (addressArg: unknown): Promise<unknown> => {
    const address = stringArg('tfstate', addressArg, 'the address').replace(/'/g, '"')
    const value = lookupState(await load(''), address)
    if (value === undefined || value === null) throw new Error(`${address} is not found in tfstate`)
    const output = /^output\.[^.[]+/.exec(address)?.[0]
    if (output !== undefined && sensitive.has(output)) {
      secrets?.add(typeof value === 'string' ? value : marshal(value), `tfstate ${output} (sensitive)`)
      // Jsonnet can take a structured value apart: each string in it is a secret too.
      if (typeof value !== 'string')
        for (const leaf of leaves(value)) secrets?.add(leaf, `tfstate ${output} (sensitive)`)
    }
    return value
  }
  const tfstate = async (addressArg: unknown): Promise<string> => {
    const value = await lookup(addressArg)
    return typeof value === 'string' ? value : marshal(value)
  }
  return {
    // Jsonnet's tfstate gives the value itself (a number stays a number), as tfstate-lookup's native does.
    tfstate: Object.assign(tfstate, { [JSONNET_VALUE]: lookup }),
    tfstatef: (format: unknown, ...args: unknown[]) =>
      tfstate(sprintf(stringArg('tfstatef', format, 'the format'), args))
  }
}
