/** Container image references, as Docker reads them: `[registry/]repository[:tag][@digest]`. */
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'

export interface ImageReference {
  /** As written in the task definition. */
  readonly text: string
  /** `registry-1.docker.io` for Docker Hub. */
  readonly registry: string
  /** `library/nginx` for a Docker Hub official image. */
  readonly repository: string
  readonly tag: string | undefined
  readonly digest: string | undefined
  /** Set for an ECR registry host (`<account>.dkr.ecr.<region>.amazonaws.com`). */
  readonly ecr: { readonly account: string; readonly region: string } | undefined
}

const DOCKER_HUB = 'registry-1.docker.io'
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/

/** Parses an image reference; undefined when it is not one (ECS would fail the task with "invalid reference"). */
export function parseImage(text: string): ImageReference | undefined {
  let rest = text.trim()
  if (rest === '') return undefined
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(digest)) return undefined
  }
  // The first component is a registry host when it has a dot or a port, or is localhost (Docker's rule).
  const slash = rest.indexOf('/')
  const first = slash < 0 ? '' : rest.slice(0, slash)
  const isHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = isHost ? first : DOCKER_HUB
  let path = isHost ? rest.slice(slash + 1) : rest
  let tag: string | undefined
  const colon = path.lastIndexOf(':')
  if (colon >= 0) {
    tag = path.slice(colon + 1)
    path = path.slice(0, colon)
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path))
    return undefined
  const repository = registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path
  const ecr = ECR_HOST.exec(registry)
  return {
    text,
    registry,
    repository,
    tag,
    digest,
    ecr: ecr ? { account: ecr[1]!, region: ecr[2]! } : undefined
  }
}

/**
 * Is the image named by a tag that moves? No tag (Docker reads `latest`) or `latest`, without a digest: a
 * rollback to a revision with it would not run the code it ran.
 */
export function isMutableTag(image: ImageReference): boolean {
  return image.digest === undefined && (image.tag === undefined || image.tag === 'latest')
}

/** Warnings for the containers whose image tag moves, for every deploy and dry run. */
export function mutableTagWarnings(taskDefinition: RegisterTaskDefinitionCommandInput | undefined): string[] {
  const warnings: string[] = []
  for (const container of taskDefinition?.containerDefinitions ?? []) {
    const image = parseImage(container.image ?? '')
    if (image === undefined || !isMutableTag(image)) continue
    warnings.push(
      `container ${container.name ?? '?'}: image ${container.image ?? ''} has ${image.tag === undefined ? 'no tag (Docker reads latest)' : 'the tag latest'}, which moves: a rollback to this revision would not run the same code; pin a version tag or a digest (@sha256:…)`
    )
  }
  return warnings
}
