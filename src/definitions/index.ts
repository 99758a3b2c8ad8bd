import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import { ActionError, ActionErrors, formatLocation, type Location } from '../errors.js'
import { Checker, type CheckOptions, type Issue, type JsonPath, type RootKeyRule } from './check.js'
import { parseRef, readOnlyKeys, rootShapes } from './shapes.js'

export { displayPath } from './check.js'
export { shapesSource } from './shapes.js'

/** Maps a path in the parsed document to where it is in the template (file:line:col). */
export type Locate = (path: readonly (string | number)[]) => Location | undefined

export interface Prepared<T> {
  readonly value: T
  /** Problems that do not stop a deploy, each starting with `file:line:col: `. */
  readonly warnings: readonly string[]
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
  const value = checker.root(body, rootShapes.taskDefinition, base) ?? {}
  if (tagsBeside && value.tags === undefined) {
    const tags =
      Array.isArray(tagsBeside.value) && tagsBeside.value.length === 0 ? undefined : tagsBeside.value
    const checked = tags === undefined ? undefined : checker.check(tags, parseRef('Tag[]'), [tagsBeside.key])
    if (checked !== undefined) value.tags = checked
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
    .map(issue => `${formatLocation(where(source, issue.path))}: ${issue.message}`)
  return { value, warnings }
}
