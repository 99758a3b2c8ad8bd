import data from './ecs-shapes.json' with { type: 'json' }

/**
 * The ECS request shapes that definition files are checked against, generated from botocore's API model by
 * scripts/gen-shapes.mjs. A type reference is a primitive name, a shape name, `T[]` (list of T) or `{T}`
 * (map from string to T).
 */
export type Primitive = 'string' | 'integer' | 'long' | 'boolean' | 'double' | 'timestamp' | 'blob'

export type TypeRef =
  | { readonly kind: 'primitive'; readonly name: Primitive }
  | { readonly kind: 'list'; readonly of: TypeRef }
  | { readonly kind: 'map'; readonly of: TypeRef }
  | { readonly kind: 'enum'; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: 'structure'; readonly name: string }

export interface StructureShape {
  readonly name: string
  readonly members: ReadonlyMap<string, TypeRef>
  /** Member names in lower case, to find the canonical spelling of a key written in another case. */
  readonly byLowerName: ReadonlyMap<string, string>
  readonly required: readonly string[]
}

interface RawStructure {
  readonly members: Record<string, string>
  readonly required?: readonly string[]
}
interface RawEnum {
  readonly enum: readonly string[]
}
interface RawShapes {
  readonly source: string
  readonly roots: {
    readonly taskDefinition: string
    readonly createService: string
    readonly updateService: string
  }
  readonly readOnly: { readonly taskDefinition: readonly string[]; readonly service: readonly string[] }
  readonly shapes: Record<string, RawStructure | RawEnum>
}

const raw = data as RawShapes
const primitives: ReadonlySet<string> = new Set<Primitive>([
  'string',
  'integer',
  'long',
  'boolean',
  'double',
  'timestamp',
  'blob'
])
const structures = new Map<string, StructureShape>()

/** Where the shapes came from (botocore version and API version). */
export const shapesSource: string = raw.source

/** Keys of `describe-task-definition` / `describe-services` output that no request takes. */
export const readOnlyKeys = {
  taskDefinition: raw.readOnly.taskDefinition,
  service: raw.readOnly.service
} as const

export function parseRef(ref: string): TypeRef {
  if (ref.endsWith('[]')) return { kind: 'list', of: parseRef(ref.slice(0, -2)) }
  if (ref.startsWith('{') && ref.endsWith('}')) return { kind: 'map', of: parseRef(ref.slice(1, -1)) }
  if (primitives.has(ref)) return { kind: 'primitive', name: ref as Primitive }
  const shape = raw.shapes[ref]
  if (shape === undefined) throw new Error(`ecs-shapes.json: unknown shape ${ref}`)
  if ('enum' in shape) return { kind: 'enum', name: ref, values: shape.enum }
  return { kind: 'structure', name: ref }
}

export function structure(name: string): StructureShape {
  const cached = structures.get(name)
  if (cached) return cached
  const shape = raw.shapes[name]
  if (shape === undefined || !('members' in shape))
    throw new Error(`ecs-shapes.json: ${name} is not a structure`)
  const members = new Map(Object.entries(shape.members).map(([key, ref]) => [key, parseRef(ref)] as const))
  const built: StructureShape = {
    name,
    members,
    byLowerName: new Map([...members.keys()].map(key => [key.toLowerCase(), key])),
    required: shape.required ?? []
  }
  structures.set(name, built)
  return built
}

export const rootShapes = raw.roots
