/**
 * The two EC2 reads `verify` makes (DescribeSubnets, DescribeSecurityGroups), sent over EC2's Query protocol
 * with the SDK's own signer and credentials. Why not @aws-sdk/client-ec2: its bundle is 1 MB of schemas for
 * about 700 operations, a fifth of dist/'s 5 MB budget, for two calls that need one form field each.
 */
import { createHash, createHmac } from 'node:crypto'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SourceData } from '@smithy/types'

const API_VERSION = '2016-11-15'

export interface Ec2Reads {
  /** The ids among `ids` that exist in the region. */
  existingSubnets(ids: readonly string[], signal?: AbortSignal): Promise<string[]>
  existingSecurityGroups(ids: readonly string[], signal?: AbortSignal): Promise<string[]>
}

export interface Ec2QueryOptions {
  readonly region: string
  readonly credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity
  /** A fixed endpoint (tests); otherwise AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, or the regional one. */
  readonly endpoint?: string | undefined
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly fetch?: typeof fetch
}

/** An EC2 error reply, named by its code as the SDK names service errors (UnauthorizedOperation …). */
export class Ec2Error extends Error {
  readonly $metadata: { readonly httpStatusCode: number }
  readonly $fault: 'client' | 'server'
  constructor(code: string, message: string, status: number) {
    super(message)
    this.name = code
    this.$metadata = { httpStatusCode: status }
    this.$fault = status >= 500 ? 'server' : 'client'
  }
}

export function ec2Endpoint(region: string, env: Readonly<Record<string, string | undefined>>): string {
  const configured = env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL
  if (configured) return configured
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `https://ec2.${region}.${suffix}`
}

/** Values of `<tag>…</tag>` in an EC2 reply (its ids and error codes hold no markup to decode). */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map(m => decodeXml(m[1]!))
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

function bytes(data: SourceData): Buffer | string {
  if (typeof data === 'string') return data
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(data)
}

/** sha256 and its HMAC in the shape the SDK's signer wants. */
class Sha256 {
  private readonly hash
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret))
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data))
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()))
  }
}

export async function ec2Reads(options: Ec2QueryOptions): Promise<Ec2Reads> {
  const { SignatureV4 } = await import('@smithy/signature-v4')
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'ec2',
    sha256: Sha256
  })
  const endpoint = new URL(options.endpoint ?? ec2Endpoint(options.region, options.env ?? process.env))
  const send = options.fetch ?? fetch

  async function call(action: string, form: Record<string, string>, signal?: AbortSignal): Promise<string> {
    const body = new URLSearchParams({ Action: action, Version: API_VERSION, ...form }).toString()
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
      path: endpoint.pathname,
      query: {},
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8'
      },
      body
    })
    const reply = await send(endpoint, {
      method: 'POST',
      headers: signed.headers,
      body,
      ...(signal === undefined ? {} : { signal })
    })
    const text = await reply.text()
    if (!reply.ok) {
      const code = xmlValues(text, 'Code')[0] ?? `HTTP${reply.status}`
      throw new Ec2Error(code, xmlValues(text, 'Message')[0] ?? text.slice(0, 200), reply.status)
    }
    return text
  }

  // A filter by id answers with the ones that exist; an id list would fail on the first missing one.
  const byFilter = (name: string, ids: readonly string[]): Record<string, string> => {
    const form: Record<string, string> = { 'Filter.1.Name': name }
    ids.forEach((id, i) => (form[`Filter.1.Value.${i + 1}`] = id))
    return form
  }
  return {
    existingSubnets: async (ids, signal) =>
      xmlValues(await call('DescribeSubnets', byFilter('subnet-id', ids), signal), 'subnetId'),
    existingSecurityGroups: async (ids, signal) =>
      xmlValues(await call('DescribeSecurityGroups', byFilter('group-id', ids), signal), 'groupId')
  }
}
