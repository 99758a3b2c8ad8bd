import type {
  CreateServiceCommandInput,
  RegisterTaskDefinitionCommandInput,
  Service
} from '@aws-sdk/client-ecs'
import { ActionError, ActionErrors, formatLocation, type Location } from '../errors.js'
import { Checker, type CheckOptions, type Issue, type JsonPath, type RootKeyRule } from './check.js'
import { crossCheckFindings, liveServiceFindings } from './cross-check.js'
import {
  containerCountFinding,
  DEFINITION_FILE_MAX_BYTES,
  formatBytes,
  taskDefinitionFindings,
  type Finding
} from './limits.js'
import { parseRef, readOnlyKeys, rootShapes } from './shapes.js'
import { parseTaskSize } from './task-size.js'

export { displayPath } from './check.js'
export { shapesSource } from './shapes.js'

/** Maps a path in the parsed document to where it is in the template (file:line:col). */
export type Locate = (path: readonly (string | number)[]) => Location | undefined

export interface Prepared<T> {
  readonly value: T
  /** Problems that do not stop a deploy: the text starts with `file:line:col: `; `where` is for annotations. */
  readonly warnings: readonly LocatedWarning[]
}

export interface LocatedWarning {
  readonly text: string
  readonly where: Location
}

export interface DefinitionSource {
  /** The file as shown to people. */
  readonly file: string
  readonly locate: Locate
}

export type TaskDefinitionInput = RegisterTaskDefinitionCommandInput

/** What an ecspresso service definition holds: CreateService's input less what the config and deploy supply. */
export type ServiceDefinitionInput = Omit<
  CreateServiceCommandInput,
  'cluster' | 'serviceName' | 'taskDefinition'
>

const taskReadOnly = new Set(readOnlyKeys.taskDefinition.map(k => k.toLowerCase()))

/**
 * Prepares a task definition for RegisterTaskDefinition. Accepts what `aws ecs describe-task-definition`
 * prints, with or without its `{"taskDefinition": …, "tags": […]}` wrapper: read-only keys (ARN, revision,
 * status, …) and nulls are dropped. Throws ActionErrors listing every error in the file.
 */
export function prepareTaskDefinition(raw: unknown, source: DefinitionSource): Prepared<TaskDefinitionInput> {
  const options: CheckOptions = {
    operation: 'RegisterTaskDefinition',
    dropEmptyLists: true,
    rootKeys: key => (taskReadOnly.has(key) ? { action: 'strip' } : undefined)
  }
  const checker = new Checker(options)
  if (!isObject(raw)) throw notAnObject(raw, source, 'task definition')

  // ecspresso unwraps `taskDefinition` (matched without regard to case, as Go's encoding/json does).
  const wrapperKey = Object.keys(raw).find(k => k.toLowerCase() === 'taskdefinition' && isObject(raw[k]))
  let body: unknown = raw
  let base: JsonPath = []
  let tagsBeside: { key: string; value: unknown } | undefined
  if (wrapperKey !== undefined) {
    body = raw[wrapperKey]
    base = [wrapperKey]
    for (const [key, value] of Object.entries(raw)) {
      if (key === wrapperKey || value === null) continue
      // describe-task-definition --include TAGS prints the tags beside the definition. ecspresso ignores them
      // there; we register them, as the output they come from describes the same task definition.
      if (key.toLowerCase() === 'tags') tagsBeside = { key, value }
      else
        checker.issues.push({
          severity: 'warning',
          path: [key],
          message: `${key} beside taskDefinition is ignored`
        })
    }
  }
  // Refused before the checker walks them, so 10 000 containers make one error, not 10 000.
  const tooMany = isObject(body)
    ? containerCountFinding(containersOf(body), ['containerDefinitions'])
    : undefined
  if (tooMany) throw new ActionErrors([located(tooMany, source, raw, 'task definition', base)])
  const value = checker.root(body, rootShapes.taskDefinition, base) ?? {}
  if (tagsBeside && value.tags === undefined) {
    const tags =
      Array.isArray(tagsBeside.value) && tagsBeside.value.length === 0 ? undefined : tagsBeside.value
    const checked = tags === undefined ? undefined : checker.check(tags, parseRef('Tag[]'), [tagsBeside.key])
    if (checked !== undefined) value.tags = checked
  }
  for (const kind of ['cpu', 'memory'] as const) {
    const size = value[kind]
    if (typeof size !== 'string') continue
    const parsed = parseTaskSize(size, kind)
    if (!parsed.ok) {
      const key = Object.keys(isObject(body) ? body : {}).find(k => k.toLowerCase() === kind) ?? kind
      checker.issues.push({
        severity: 'error',
        path: [...base, key],
        message: parsed.message,
        hint: parsed.hint
      })
    }
  }
  return finish(checker.issues, source, 'task definition', value as unknown as TaskDefinitionInput)
}

// Keys of a service definition that are not sent: ecspresso decodes the file into its Service type (the
// describe-services shape), so describe output works as a definition and its read-only keys are taken
// silently; `serviceName` comes from the config and `taskDefinition` from the registered revision.
const serviceStripped = new Set(
  [...readOnlyKeys.service, 'serviceName', 'taskDefinition'].map(k => k.toLowerCase())
)
const serviceIgnored: ReadonlyMap<string, string> = new Map([
  ['cluster', "the cluster comes from the config's `cluster`"],
  ['service', "the service comes from the config's `service`"],
  ['clienttoken', 'the action makes its own requests'],
  ['forcenewdeployment', 'use the force-new-deployment input']
])

/**
 * Prepares a service definition: the CreateService/UpdateService fields of an ecspresso service definition.
 * Accepts `describe-services` output for one service (its read-only keys are dropped). Throws ActionErrors
 * listing every error in the file.
 */
export function prepareServiceDefinition(
  raw: unknown,
  source: DefinitionSource
): Prepared<ServiceDefinitionInput> {
  const rootKeys = (key: string): RootKeyRule | undefined => {
    if (serviceStripped.has(key)) return { action: 'strip' }
    const why = serviceIgnored.get(key)
    return why === undefined ? undefined : { action: 'ignore', why }
  }
  const checker = new Checker({
    operation: 'CreateService',
    dropEmptyLists: false,
    rootKeys,
    rootNotRequired: ['serviceName']
  })
  if (!isObject(raw)) throw notAnObject(raw, source, 'service definition')
  const value = checker.root(raw, rootShapes.createService, []) ?? {}
  return finish(checker.issues, source, 'service definition', value as unknown as ServiceDefinitionInput)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function notAnObject(raw: unknown, source: DefinitionSource, kind: string): ActionError {
  const what = raw === null || raw === undefined ? 'empty' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`
  return new ActionErrors([
    new ActionError(`the ${kind} must be an object, but the file holds ${what}`, {
      where: source.locate([]) ?? { file: source.file },
      hint: `write the ${kind} as a JSON object ({ … }) or a YAML mapping`
    })
  ])
}

function where(source: DefinitionSource, path: JsonPath): Location {
  const found = source.locate(path)
  return found ? { file: source.file, ...found } : { file: source.file }
}

function finish<T>(issues: readonly Issue[], source: DefinitionSource, kind: string, value: T): Prepared<T> {
  const errors = issues
    .filter(issue => issue.severity === 'error')
    .map(
      issue =>
        new ActionError(`${kind}: ${issue.message}`, { where: where(source, issue.path), hint: issue.hint })
    )
  if (errors.length > 0) throw new ActionErrors(errors)
  const warnings = issues
    .filter(issue => issue.severity === 'warning')
    .map(issue => {
      const at = where(source, issue.path)
      return { text: `${formatLocation(at)}: ${issue.message}`, where: at }
    })
  return { value, warnings }
}

function containersOf(body: Record<string, unknown>): unknown {
  const key = Object.keys(body).find(k => k.toLowerCase() === 'containerdefinitions')
  return key === undefined ? undefined : body[key]
}

/** A rendered definition file: its parsed value (as the file spells its keys) and where each path is. */
export interface RenderedDefinition {
  readonly value: unknown
  readonly locate: Locate
}

export interface DefinitionsToCheck {
  readonly taskDefinition: TaskDefinitionInput | undefined
  /** The rendered task definition file; undefined when the task definition is not rendered (skip). */
  readonly task: RenderedDefinition | undefined
  readonly taskDefinitionPath: string | undefined
  readonly serviceDefinition: ServiceDefinitionInput | undefined
  readonly service: RenderedDefinition | undefined
  readonly serviceDefinitionPath: string | undefined
}

/**
 * What ECS refuses only at RegisterTaskDefinition, CreateService or UpdateService, checked before the first
 * write: the task definition's limits (size, containers, image references, dependsOn), and the service
 * definition against the task definition. Runs on the final values (after the images input). Throws
 * ActionErrors listing every problem, each located in its file (or at the images input).
 */
export function checkDefinitions(d: DefinitionsToCheck): void {
  const errors: ActionError[] = []
  const td = d.taskDefinition
  if (td && d.task && d.taskDefinitionPath !== undefined) {
    const source = { file: d.taskDefinitionPath, locate: d.task.locate }
    const base = wrapperPath(d.task.value)
    for (const finding of taskDefinitionFindings(td)) {
      const fromInput =
        finding.path.at(-1) === 'image' &&
        valueAt(d.task.value, base, finding.path) !== valueAtCanonical(td, finding.path)
      errors.push(
        fromInput
          ? new ActionError(`images: ${finding.message}`, { where: { input: 'images' }, hint: finding.hint })
          : located(finding, source, d.task.value, 'task definition', base)
      )
    }
  }
  const sd = d.serviceDefinition
  if (td && sd && d.service && d.serviceDefinitionPath !== undefined) {
    const source = { file: d.serviceDefinitionPath, locate: d.service.locate }
    for (const finding of crossCheckFindings(sd, td))
      errors.push(located(finding, source, d.service.value, 'service definition', []))
  }
  if (errors.length > 0) throw new ActionErrors(errors)
}

/**
 * Refuses a definition file too large to be one, before it is rendered and parsed (a 50 MB file would
 * otherwise cost hundreds of megabytes of memory to reach the same answer).
 */
export function checkDefinitionFileSize(text: string, file: string): void {
  if (text.length <= DEFINITION_FILE_MAX_BYTES / 4) return
  const bytes = Buffer.byteLength(text)
  if (bytes <= DEFINITION_FILE_MAX_BYTES) return
  throw new ActionError(
    `the file is ${formatBytes(bytes)}; a definition file is at most ${formatBytes(DEFINITION_FILE_MAX_BYTES)} (ECS accepts a task definition of at most 64 KiB)`,
    {
      where: { file },
      hint: 'check that the config points at the right file; move large values to environment files or secrets'
    }
  )
}

function wrapperPath(raw: unknown): JsonPath {
  if (!isObject(raw)) return []
  const key = Object.keys(raw).find(k => k.toLowerCase() === 'taskdefinition' && isObject(raw[k]))
  return key === undefined ? [] : [key]
}

/** The path as the file spells it: keys matched without regard to case, as the checker matched them. */
function filePath(raw: unknown, base: JsonPath, path: JsonPath): JsonPath {
  const out: (string | number)[] = [...base]
  let node: unknown = base.reduce<unknown>((n, k) => (isObject(n) ? n[k] : undefined), raw)
  for (const part of path) {
    if (typeof part === 'number') {
      if (!Array.isArray(node)) break
      out.push(part)
      node = node[part] as unknown
      continue
    }
    if (!isObject(node)) break
    const key = part in node ? part : Object.keys(node).find(k => k.toLowerCase() === part.toLowerCase())
    if (key === undefined) break
    out.push(key)
    node = node[key]
  }
  return out
}

function valueAt(raw: unknown, base: JsonPath, path: JsonPath): unknown {
  const spelled = filePath(raw, base, path)
  if (spelled.length !== base.length + path.length) return undefined
  return spelled.reduce<unknown>(
    (n, k) =>
      typeof k === 'number' ? (Array.isArray(n) ? n[k] : undefined) : isObject(n) ? n[k] : undefined,
    raw
  )
}

function valueAtCanonical(value: unknown, path: JsonPath): unknown {
  return valueAt(value, [], path)
}

function located(
  finding: Finding,
  source: DefinitionSource,
  raw: unknown,
  kind: string,
  base: JsonPath
): ActionError {
  return new ActionError(`${kind}: ${finding.message}`, {
    where: where(source, filePath(raw, base, finding.path)),
    hint: finding.hint
  })
}

/**
 * Read-only plan step: the rendered task definition against what the live service keeps (load balancers,
 * registries, Service Connect, volume configurations) where the service definition does not replace it.
 * Throws ActionErrors, located at the task definition file, before any write.
 */
export function checkAgainstLiveService(
  project: {
    readonly taskDefinition: TaskDefinitionInput | undefined
    readonly serviceDefinition: ServiceDefinitionInput | undefined
    readonly taskDefinitionPath: string | undefined
  },
  live: Service | undefined
): void {
  const td = project.taskDefinition
  if (td === undefined || live === undefined) return
  const name = live.serviceName ?? 'the service'
  const errors = liveServiceFindings(live, project.serviceDefinition, td).map(
    finding =>
      new ActionError(`live service ${name}: ${finding.message}`, {
        where: project.taskDefinitionPath === undefined ? undefined : { file: project.taskDefinitionPath },
        hint: `${finding.hint ?? ''}${finding.hint === undefined ? '' : '; '}the service keeps this setting unless the service definition gives ${String(finding.path[0])}`
      })
  )
  if (errors.length > 0) throw new ActionErrors(errors)
}
