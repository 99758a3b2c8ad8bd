/**
 * Image references as the OCI distribution reference grammar defines them (the grammar Docker, containerd and
 * the ECS agent parse `image` with):
 *
 *   reference    := name [ ":" tag ] [ "@" digest ]
 *   name         := [ domain "/" ] remote-name
 *   domain       := host [ ":" port ]         host := domain-name | "[" ipv6 "]"
 *   domain-name  := component ( "." component )*   component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   remote-name  := path ( "/" path )*         path := [a-z0-9]+ ( separator [a-z0-9]+ )*
 *   separator    := [._] | "__" | "-"+
 *   tag          := [\w][\w.-]{0,127}
 *   digest       := algorithm ":" hex{32,}     algorithm := [A-Za-z][A-Za-z0-9]* ( [-_+.] [A-Za-z][A-Za-z0-9]* )*
 *
 * plus the rules a parse adds: the path (the name after the registry) is at most 255 characters, the name is lowercase, and a digest of a known
 * algorithm (sha256, sha384, sha512) has exactly its length in lowercase hex.
 */

const alphanumeric = '[a-z0-9]+'
const separator = '(?:[._]|__|[-]+)'
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`
const remoteName = `${pathComponent}(?:/${pathComponent})*`
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const domainName = `${domainComponent}(?:\\.${domainComponent})*`
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]'
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`
const tagPattern = '[\\w][\\w.-]{0,127}'
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'

const referenceRegexp = new RegExp(
  `^((?:(${domainAndPort})/)?${remoteName})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`
)
const nameRegexp = new RegExp(`^(?:${domainAndPort}/)?${remoteName}$`)
const tagRegexp = new RegExp(`^${tagPattern}$`)
const digestRegexp = new RegExp(`^${digestPattern}$`)

/** Hex lengths of the digest algorithms registries accept (go-digest's registered algorithms). */
const digestLengths: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 }

/** The longest repository path the grammar allows. */
export const NAME_MAX = 255

export interface ImageReference {
  /** Domain and path, e.g. `public.ecr.aws/nginx/nginx`. */
  readonly name: string
  readonly domain: string | undefined
  readonly tag: string | undefined
  readonly digest: string | undefined
}

export type ParsedReference =
  { readonly ok: true; readonly reference: ImageReference } | { readonly ok: false; readonly reason: string }

const show = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)

/** Parses an image reference, or says in one phrase what is wrong with it. */
export function parseImageReference(image: string): ParsedReference {
  const fail = (reason: string): ParsedReference => ({ ok: false, reason })
  if (image === '') return fail('is empty')
  // Before any pattern runs: a control character or a huge string is never a reference.
  const control = controlCharacterAt(image)
  if (control >= 0) {
    const code = image.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0')
    return fail(`contains a control character (U+${code}) at position ${control + 1}`)
  }
  if (/\s/.test(image)) return fail('contains whitespace')
  if (image.length > 4 * NAME_MAX) return fail(`is ${image.length} characters long`)

  const match = referenceRegexp.exec(image)
  if (!match) return fail(diagnose(image))
  const name = match[1]!
  const tag = match[3]
  const digest = match[4]
  // As distribution/reference v0.6 counts it: the path after the registry, not the whole name.
  const path = match[2] === undefined ? name : name.slice(match[2].length + 1)
  if (path.length > NAME_MAX)
    return fail(`has a repository path of ${path.length} characters (at most ${NAME_MAX})`)
  if (digest !== undefined) {
    const colon = digest.indexOf(':')
    const algorithm = digest.slice(0, colon)
    const encoded = digest.slice(colon + 1)
    const length = digestLengths[algorithm]
    if (length === undefined)
      return fail(`has a digest of algorithm ${show(algorithm)}; use sha256, sha384 or sha512`)
    if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded))
      return fail(`has a ${algorithm} digest that is not ${length} lowercase hex digits`)
  }
  return { ok: true, reference: { name, domain: match[2], tag, digest } }
}

function controlCharacterAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return i
  }
  return -1
}

/** Which part of a reference breaks the grammar, for the message. */
function diagnose(image: string): string {
  const at = image.indexOf('@')
  const beforeDigest = at < 0 ? image : image.slice(0, at)
  const digest = at < 0 ? undefined : image.slice(at + 1)
  const lastSlash = beforeDigest.lastIndexOf('/')
  const colon = beforeDigest.indexOf(':', lastSlash + 1)
  const name = colon < 0 ? beforeDigest : beforeDigest.slice(0, colon)
  const tag = colon < 0 ? undefined : beforeDigest.slice(colon + 1)

  if (digest !== undefined && !digestRegexp.test(digest))
    return `has an invalid digest ${show(digest)} (write @sha256: and 64 hex digits)`
  if (tag !== undefined && !tagRegexp.test(tag))
    return `has an invalid tag ${show(tag)} (up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-')`
  if (name === '') return 'has no repository name'
  if (!nameRegexp.test(name)) {
    const path = lastSlash < 0 ? name : name.slice(name.indexOf('/') + 1)
    if (/[A-Z]/.test(path) && nameRegexp.test(name.toLowerCase()))
      return `has uppercase letters in the repository name ${show(name)} (repository names are lowercase)`
    return `has an invalid repository name ${show(name)} (lowercase letters, digits and separators '.', '_', '__', '-', in parts split by '/')`
  }
  return 'does not follow the image reference grammar ([registry/]repository[:tag][@digest])'
}
