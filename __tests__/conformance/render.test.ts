import { describe, expect, it } from '@jest/globals'
import { readOnlyKeys } from '../../src/definitions/shapes.js'
import { memoryLogger } from '../../src/log.js'
import { loadProject } from '../../src/project.js'
import { ecspressoRender, ECSPRESSO_VERSION, ensureEcspresso } from '../../test/ecspresso/harness.mjs'
import { corpusCases, type CorpusCase } from '../fixtures/corpus/cases.js'

// Conformance: for every corpus case, ecspresso's `render taskdef` / `render servicedef` and our pipeline
// must give the same JSON. ecspresso prints through MarshalJSONForAPI (json.Marshal of the AWS SDK for Go v2
// types, then nulls and empty lists removed); the differences that printing makes, and only those, are
// evened out below before comparing.

type Json = unknown

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** ecspresso's printer deletes empty lists everywhere (json.go walkMap); ours keeps them in service definitions. */
function withoutEmptyLists(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutEmptyLists)
  if (!isObject(value)) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => [k, withoutEmptyLists(v)])
  )
}

/**
 * Members that are not pointers in the Go SDK (enums, and `Integer`/`Boolean` shapes such as a container's
 * `cpu` or a service's `enableExecuteCommand`) are printed as "", 0 or false when unset. Such a value where
 * our output has no key is "unset", not a difference. (Our output never drops a value the file sets.)
 */
function withoutGoZeroValues(theirs: Json, ours: Json): Json {
  if (Array.isArray(theirs)) {
    return theirs.map((item, i) => withoutGoZeroValues(item, Array.isArray(ours) ? ours[i] : undefined))
  }
  if (!isObject(theirs)) return theirs
  const mine = isObject(ours) ? ours : {}
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(theirs)) {
    if (!(key in mine) && (value === '' || value === 0 || value === false)) continue
    out[key] = withoutGoZeroValues(value, mine[key])
  }
  return out
}

function comparable(kind: 'taskdef' | 'servicedef', c: CorpusCase, ecspressoJson: string, ours: Json) {
  const theirs = JSON.parse(ecspressoJson) as Record<string, Json>
  if (kind === 'servicedef') {
    // ecspresso sets serviceName from the config; we leave it to the deploy step.
    delete theirs.serviceName
    // ecspresso decodes into the describe-services shape and prints what the file had; we strip read-only
    // keys (and taskDefinition, which deploy fills with the registered revision).
    for (const key of [...readOnlyKeys.service, 'taskDefinition']) delete theirs[key]
  }
  const mine = withoutEmptyLists(ours)
  return { theirs: withoutGoZeroValues(theirs, mine), mine, case: c.name }
}

const availability = ensureEcspresso()
const cases = corpusCases()

describe(`conformance with ecspresso ${ECSPRESSO_VERSION} render`, () => {
  if (!availability.ok) {
    if (availability.skip) {
      console.warn(`conformance tests skipped: ${availability.reason}`)
      it.skip(`needs ecspresso: ${availability.reason.split('\n')[0]}`, () => undefined)
    } else {
      it('builds ecspresso', () => {
        throw new Error(availability.reason)
      })
    }
    return
  }
  const bin = availability.bin

  for (const c of cases) {
    // ecspresso reads JSON and Jsonnet definitions only; YAML definitions are this action's extension.
    const yaml = /\.ya?ml$/i.test(c.taskDefinitionFile) || /\.ya?ml$/i.test(c.serviceDefinitionFile)
    const itUnlessYaml = yaml ? it.skip : it
    itUnlessYaml(`${c.name} renders as ecspresso renders it`, async () => {
      const project = await loadProject({ configPath: c.configPath, env: c.env, log: memoryLogger() })
      const task = comparable(
        'taskdef',
        c,
        ecspressoRender(bin, c.configPath, 'taskdef', c.env),
        project.taskDefinition
      )
      expect(task.mine).toEqual(task.theirs)
      const service = comparable(
        'servicedef',
        c,
        ecspressoRender(bin, c.configPath, 'servicedef', c.env),
        project.serviceDefinition
      )
      expect(service.mine).toEqual(service.theirs)
    })
  }
})
