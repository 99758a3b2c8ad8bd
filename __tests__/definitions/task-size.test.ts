// Task-level cpu and memory: every spelling ECS or ecspresso users write is read the same way (units
// case-insensitive), validated before any write, registered as the number ECS stores, and compared as that
// number in the diff.
import { describe, expect, it } from '@jest/globals'
import { prepareTaskDefinition, type Locate } from '../../src/definitions/index.js'
import { parseTaskSize, taskSizeValue } from '../../src/definitions/task-size.js'
import { normalizeTaskDefinition } from '../../src/diff/normalize.js'
import { registeredSizes } from '../../src/ecs/task-definition.js'
import { ActionErrors } from '../../src/errors.js'

const locate: Locate = path => ({ file: 'td.json', line: path.length, column: 5 })
const container = { name: 'app', image: 'nginx:1' }

describe('parseTaskSize', () => {
  it.each([
    ['256', 'cpu', 256],
    ['.25 vcpu', 'cpu', 256],
    ['0.25 vCPU', 'cpu', 256],
    ['1 vcpu', 'cpu', 1024],
    ['1vCPU', 'cpu', 1024],
    [' 2 VCPU ', 'cpu', 2048],
    ['0.125 vCPU', 'cpu', 128],
    ['512', 'memory', 512],
    ['0.5GB', 'memory', 512],
    ['2 GB', 'memory', 2048],
    ['2 gb', 'memory', 2048],
    ['1 GiB', 'memory', 1024],
    ['512 MiB', 'memory', 512],
    ['512mb', 'memory', 512]
  ] as const)('%j %s is %d', (text, kind, units) => {
    expect(parseTaskSize(text, kind)).toEqual({ ok: true, units })
    expect(taskSizeValue(text, kind)).toBe(String(units))
  })

  it.each([
    ['2 cores', 'cpu', /not a task cpu size/],
    ['1 GB', 'cpu', /not a task cpu size/],
    ['1 vcpu', 'memory', /not a task memory size/],
    ['1 TB', 'memory', /not a task memory size/],
    ['-1', 'cpu', /not a task cpu size/],
    ['0.3 vcpu', 'cpu', /307\.2 CPU units, not a whole number/],
    ['256.5', 'memory', /256\.5 MiB, not a whole number/]
  ] as const)('%j is no %s size', (text, kind, message) => {
    const size = parseTaskSize(text, kind)
    expect(size.ok).toBe(false)
    if (!size.ok) expect(size.message).toMatch(message)
    expect(taskSizeValue(text, kind)).toBe(text)
  })
})

describe('task sizes in a task definition', () => {
  it('a size that is none is an error located at the key, before any write', () => {
    let thrown: unknown
    try {
      prepareTaskDefinition(
        { family: 'web', cpu: '2 cores', memory: '0.3GB', containerDefinitions: [container] },
        { file: 'td.json', locate }
      )
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ActionErrors)
    const text = (thrown as ActionErrors).describe()
    expect(text).toContain('td.json:1:5: task definition: cpu is "2 cores", which is not a task cpu size')
    expect(text).toContain('hint: write CPU units ("1024") or vCPUs ("1 vCPU", ".25 vcpu")')
    expect(text).toContain('memory is "0.3GB", which is 307.2 MiB, not a whole number')
  })

  it('is kept as written for render, and registered as the number ECS stores', () => {
    const { value } = prepareTaskDefinition(
      { family: 'web', cpu: '.25 vcpu', memory: '0.5GB', containerDefinitions: [container] },
      { file: 'td.json', locate }
    )
    expect(value).toMatchObject({ cpu: '.25 vcpu', memory: '0.5GB' })
    expect(registeredSizes(value)).toEqual({ cpu: '256', memory: '512' })
    expect(registeredSizes({ family: 'web', containerDefinitions: [] })).toEqual({})
  })

  it('the diff sees no change between "1 vcpu" and a live 1024, or "2 gb" and 2048', () => {
    const local = normalizeTaskDefinition({
      family: 'web',
      cpu: '1 vcpu',
      memory: '2 gb',
      containerDefinitions: [container]
    })
    const live = normalizeTaskDefinition({
      family: 'web',
      cpu: '1024',
      memory: '2048',
      containerDefinitions: [container]
    })
    expect(local).toEqual(live)
    const other = normalizeTaskDefinition({
      family: 'web',
      cpu: '2 vcpu',
      memory: '2 gb',
      containerDefinitions: [container]
    })
    expect(other).not.toEqual(live)
  })
})
