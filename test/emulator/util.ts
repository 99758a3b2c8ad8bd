/** Small shared pieces of the emulator: AWS-shaped errors, a seeded random source, ids and ARNs. */

/** An error the emulator answers with: `{"__type": type, "message": message}` and an HTTP status. */
export class AwsError extends Error {
  readonly type: string
  readonly status: number

  constructor(type: string, message: string, status = 400) {
    super(message)
    this.name = type
    this.type = type
    this.status = status
  }
}

export const invalidParameter = (message: string): AwsError =>
  new AwsError('InvalidParameterException', message)

/** mulberry32: small, fast, deterministic. */
export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(below: number): number {
    return Math.floor(this.next() * below)
  }

  hex(length: number): string {
    let text = ''
    for (let i = 0; i < length; i++) text += '0123456789abcdef'[this.int(16)]
    return text
  }

  digits(length: number): string {
    let text = String(1 + this.int(9))
    for (let i = 1; i < length; i++) text += String(this.int(10))
    return text
  }

  alnumUpper(length: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    let text = ''
    for (let i = 0; i < length; i++) text += chars[this.int(chars.length)]
    return text
  }

  uuid(): string {
    const h = this.hex(32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
  }
}

/** Milliseconds since the epoch → the JSON protocol's timestamp (epoch seconds, fractional). */
export const seconds = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : ms / 1000

export type Json = Record<string, unknown>

export function asString(value: unknown, name: string, required: true): string
export function asString(value: unknown, name: string, required?: false): string | undefined
export function asString(value: unknown, name: string, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalidParameter(`${name} is required.`)
    return undefined
  }
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${name} must be a string`)
  return value
}

export function asNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number') throw new AwsError('SerializationException', `${name} must be a number`)
  return value
}

export function asArray(value: unknown, name: string): unknown[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new AwsError('SerializationException', `${name} must be a list`)
  return value as unknown[]
}

export function asStringArray(value: unknown, name: string): string[] {
  return asArray(value, name).map((v, i) => asString(v, `${name}[${i}]`, true))
}

export function asObject(value: unknown, name: string): Json | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value))
    throw new AwsError('SerializationException', `${name} must be a structure`)
  return value as Json
}

export interface Tag {
  key: string
  value: string
}

export const clone = <T>(value: T): T => structuredClone(value)

/** Drops keys whose value is undefined, so replies look like AWS's (absent, not null). */
export function compact<T extends Json>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key]
  return value
}

/** A scalar as text ('' for anything else), for fields AWS echoes as strings. */
export function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : ''
}
