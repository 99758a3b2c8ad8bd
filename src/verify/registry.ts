/**
 * Does a registry hold an image? The distribution API's `HEAD /v2/<repository>/manifests/<reference>`, anonymous
 * or with the anonymous bearer token the registry's `WWW-Authenticate` challenge offers (Docker Hub, GHCR,
 * Quay). Read-only; no credentials are read or sent.
 */
import type { ImageReference } from './image.js'

export type ManifestResult =
  | { readonly kind: 'found'; readonly digest: string | undefined }
  | { readonly kind: 'missing' }
  /** Not reachable, refused, or needs credentials: not checked. */
  | { readonly kind: 'unknown'; readonly reason: string }

export type Fetch = (url: string, init: RequestInit) => Promise<Response>

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

/** Docker talks plain HTTP to a registry on the loopback address; everything else is HTTPS. */
function baseUrl(registry: string): string {
  const host = registry.replace(/:\d+$/, '')
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '[::1]'
  return `${loopback ? 'http' : 'https'}://${registry}`
}

export async function headManifest(
  image: ImageReference,
  options: { fetch?: Fetch | undefined; timeoutMs?: number; signal?: AbortSignal | undefined } = {}
): Promise<ManifestResult> {
  const fetcher = options.fetch ?? ((url, init) => fetch(url, init))
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  const reference = image.digest ?? image.tag ?? 'latest'
  const url = `${baseUrl(image.registry)}/v2/${image.repository}/manifests/${reference}`
  try {
    let response = await fetcher(url, { method: 'HEAD', headers: { accept: ACCEPT }, signal })
    if (response.status === 401) {
      const token = await anonymousToken(response.headers.get('www-authenticate'), fetcher, signal)
      if (token === undefined) return { kind: 'unknown', reason: 'the registry asks for credentials' }
      response = await fetcher(url, {
        method: 'HEAD',
        headers: { accept: ACCEPT, authorization: `Bearer ${token}` },
        signal
      })
    }
    if (response.ok)
      return { kind: 'found', digest: response.headers.get('docker-content-digest') ?? undefined }
    if (response.status === 404) return { kind: 'missing' }
    if (response.status === 401 || response.status === 403)
      return { kind: 'unknown', reason: `the registry refused anonymous access (HTTP ${response.status})` }
    return { kind: 'unknown', reason: `the registry answered HTTP ${response.status}` }
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause?.code
    const name = (error as Error).name
    return {
      kind: 'unknown',
      reason:
        name === 'TimeoutError'
          ? 'the registry did not answer in time'
          : `the registry cannot be reached${typeof cause === 'string' ? ` (${cause})` : ''}`
    }
  }
}

/** The anonymous token from a `Bearer realm=…,service=…,scope=…` challenge, or undefined. */
async function anonymousToken(
  challenge: string | null,
  fetcher: Fetch,
  signal: AbortSignal
): Promise<string | undefined> {
  if (challenge === null || !/^bearer\s/i.test(challenge)) return undefined
  const params = Object.fromEntries(
    [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1]!.toLowerCase(), m[2]!])
  )
  if (params.realm === undefined) return undefined
  const url = new URL(params.realm)
  if (params.service !== undefined) url.searchParams.set('service', params.service)
  if (params.scope !== undefined) url.searchParams.set('scope', params.scope)
  const response = await fetcher(url.toString(), { method: 'GET', signal })
  if (!response.ok) return undefined
  const body = (await response.json()) as { token?: unknown; access_token?: unknown }
  const token = body.token ?? body.access_token
  return typeof token === 'string' && token !== '' ? token : undefined
}
