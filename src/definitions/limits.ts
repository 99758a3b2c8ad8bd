/**
 * What ECS refuses at RegisterTaskDefinition, checked before the first write: the request size, the number of
 * containers, image references, unique container names, and `dependsOn` naming containers of the same task
 * definition.
 */
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import type { JsonPath } from './check.js'
import { parseImageReference } from './reference.js'

/** ECS: "Actual length: 'N'. Max allowed length is '65536' bytes." (the RegisterTaskDefinition request). */
export const TASK_DEFINITION_MAX_BYTES = 65536
/** ECS: "Too many containers." (a task definition holds at most 10). */
export const CONTAINERS_MAX = 10
/** ECS: "Container.image should be 255 characters or less". */
export const IMAGE_MAX = 255
/**
 * A definition file larger than this cannot render to a request ECS accepts (16 times the 64 KiB limit leaves
 * room for indentation and comments); refusing it before rendering keeps memory bounded.
 */
export const DEFINITION_FILE_MAX_BYTES = 1024 * 1024

/** A problem at a path of the request (keys spelled as the API spells them). */
export interface Finding {
  readonly path: JsonPath
  readonly message: string
  readonly hint?: string | undefined
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

/** The container count, checked on the parsed file before anything walks its containers. */
export function containerCountFinding(containers: unknown, path: JsonPath): Finding | undefined {
  if (!Array.isArray(containers) || containers.length <= CONTAINERS_MAX) return undefined
  return {
    path,
    message: `the task definition has ${containers.length} containers; ECS allows at most ${CONTAINERS_MAX}`,
    hint: 'split the containers across task definitions (one service each), or drop sidecars you do not need'
  }
}

/** RegisterTaskDefinition's own checks on a prepared request. */
export function taskDefinitionFindings(td: RegisterTaskDefinitionCommandInput): Finding[] {
  const findings: Finding[] = []
  const containers = td.containerDefinitions ?? []
  const count = containerCountFinding(containers, ['containerDefinitions'])
  if (count) return [count]
  const names = new Set(containers.map(c => c.name))
  const seen = new Set<string | undefined>()
  containers.forEach((container, i) => {
    // ECS: "Duplicate container names are not allowed."
    if (seen.has(container.name))
      findings.push({
        path: ['containerDefinitions', i, 'name'],
        message: `two containers are named '${container.name ?? ''}'; container names must be unique`
      })
    seen.add(container.name)
    const image = imageFinding(container, i)
    if (image) findings.push(image)
    container.dependsOn?.forEach((dependency, j) => {
      const name = dependency.containerName
      if (name === undefined || names.has(name)) return
      findings.push({
        path: ['containerDefinitions', i, 'dependsOn', j, 'containerName'],
        message: `container '${container.name ?? ''}' depends on container '${name}', which is not in the task definition`,
        hint: `the containers are: ${[...names].join(', ')}`
      })
    })
  })
  const bytes = Buffer.byteLength(JSON.stringify(td))
  if (bytes > TASK_DEFINITION_MAX_BYTES)
    findings.push({
      path: [],
      message: `the task definition is ${formatBytes(bytes)} (${bytes} bytes) as ECS receives it; ECS accepts at most 64 KiB (${TASK_DEFINITION_MAX_BYTES} bytes)`,
      hint: 'move large values out of the definition: environment files (environmentFiles) or secrets (SSM, Secrets Manager) instead of inline environment values'
    })
  return findings
}

function imageFinding(container: ContainerDefinition, index: number): Finding | undefined {
  const image = container.image
  if (image === undefined) return undefined
  const path = ['containerDefinitions', index, 'image']
  const who = `container '${container.name ?? index}'`
  if (image.length > IMAGE_MAX)
    return {
      path,
      message: `the image of ${who} is ${image.length} characters long; ECS allows at most ${IMAGE_MAX}`
    }
  const parsed = parseImageReference(image)
  if (parsed.ok) return undefined
  return {
    path,
    message: `the image of ${who}, ${JSON.stringify(image)}, is not a valid image reference: it ${parsed.reason}`,
    hint: 'write [registry/]repository[:tag][@sha256:digest], e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1'
  }
}
