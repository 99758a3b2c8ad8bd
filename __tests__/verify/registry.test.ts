import { describe, expect, it } from '@jest/globals'
import { parseImage } from '../../src/verify/image.js'
import { headManifest, type Fetch } from '../../src/verify/registry.js'

const image = parseImage('ghcr.io/org/app:v1')!

/** A registry answering from a table of `METHOD url` → response; anything else is a 404. */
function registry(routes: Record<string, () => Response>): { fetch: Fetch; seen: string[] } {
  const seen: string[] = []
  return {
    seen,
    fetch: (url, init) => {
      const key = `${init.method ?? 'GET'} ${url}`
      seen.push(
        `${key}${(init.headers as Record<string, string> | undefined)?.authorization ? ' (token)' : ''}`
      )
      return Promise.resolve(routes[key]?.() ?? new Response(null, { status: 404 }))
    }
  }
}

describe('headManifest', () => {
  it('takes the anonymous token the challenge offers, then finds the manifest and its digest', async () => {
    let tries = 0
    const r = registry({
      'HEAD https://ghcr.io/v2/org/app/manifests/v1': () =>
        tries++ === 0
          ? new Response(null, {
              status: 401,
              headers: {
                'www-authenticate':
                  'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/app:pull"'
              }
            })
          : new Response(null, { status: 200, headers: { 'docker-content-digest': 'sha256:abc' } }),
      'GET https://ghcr.io/token?service=ghcr.io&scope=repository%3Aorg%2Fapp%3Apull': () =>
        Response.json({ token: 't' })
    })
    expect(await headManifest(image, { fetch: r.fetch })).toEqual({ kind: 'found', digest: 'sha256:abc' })
    expect(r.seen).toEqual([
      'HEAD https://ghcr.io/v2/org/app/manifests/v1',
      'GET https://ghcr.io/token?service=ghcr.io&scope=repository%3Aorg%2Fapp%3Apull',
      'HEAD https://ghcr.io/v2/org/app/manifests/v1 (token)'
    ])
  })

  it('reports a registry that wants credentials as not checked', async () => {
    const r = registry({
      'HEAD https://ghcr.io/v2/org/app/manifests/v1': () =>
        new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="private"' } })
    })
    expect(await headManifest(image, { fetch: r.fetch })).toEqual({
      kind: 'unknown',
      reason: 'the registry asks for credentials'
    })
  })

  it('reports a 404 as missing, and a digest is asked for by digest', async () => {
    const pinned = parseImage(`ghcr.io/org/app@sha256:${'d'.repeat(64)}`)!
    const r = registry({})
    expect(await headManifest(pinned, { fetch: r.fetch })).toEqual({ kind: 'missing' })
    expect(r.seen).toEqual([`HEAD https://ghcr.io/v2/org/app/manifests/sha256:${'d'.repeat(64)}`])
  })

  it('gives up on a registry that does not answer in time', async () => {
    const hang: Fetch = (_, init) =>
      new Promise((_, reject) =>
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error))
      )
    expect(await headManifest(image, { fetch: hang, timeoutMs: 20 })).toEqual({
      kind: 'unknown',
      reason: 'the registry did not answer in time'
    })
  })
})
