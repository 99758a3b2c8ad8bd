/**
 * The failures a first run meets before any AWS call succeeds: no credentials, or an endpoint that cannot
 * be reached. Recognized by the error's shape (SDK errors and Node's network errors), so they read as one
 * line with a fix instead of a stack trace.
 */

export type FailureKind = 'credentials' | 'network'

export interface KnownFailure {
  readonly kind: FailureKind
  /** One line, said to a person. */
  readonly message: string
  readonly hint: string
}

/** Node's error codes for a host that cannot be resolved or reached. */
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT'
])

const CREDENTIALS_NAMES = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError'])

export const CREDENTIALS_HINT =
  'run aws-actions/configure-aws-credentials before this step; with role-to-assume (OIDC) the job needs `permissions: id-token: write`'

export const NETWORK_HINT =
  'check the region (AWS_REGION or region in the config), any AWS_ENDPOINT_URL* variable, and that the runner can reach AWS (DNS, proxy, VPC endpoints)'

interface ErrorShape {
  name?: unknown
  message?: unknown
  code?: unknown
  hostname?: unknown
  cause?: unknown
}

/** The credentials or network failure this error is (or wraps), if it is one. */
export function knownFailure(error: unknown): KnownFailure | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const shape = e as ErrorShape
    const name = typeof shape.name === 'string' ? shape.name : ''
    const message = typeof shape.message === 'string' ? firstLine(shape.message) : ''
    if (CREDENTIALS_NAMES.has(name) || /could not load credentials/i.test(message)) {
      return {
        kind: 'credentials',
        message: `no AWS credentials were found (${message || name})`,
        hint: CREDENTIALS_HINT
      }
    }
    const code = typeof shape.code === 'string' ? shape.code : ''
    if (NETWORK_CODES.has(code) || /^getaddrinfo (ENOTFOUND|EAI_AGAIN)\b/.test(message)) {
      const host = typeof shape.hostname === 'string' ? ` ${shape.hostname}` : ''
      return {
        kind: 'network',
        message: `cannot reach the AWS endpoint${host} (${message || code})`,
        hint: NETWORK_HINT
      }
    }
    e = shape.cause
  }
  return undefined
}

export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? ''
  return line.trim()
}
