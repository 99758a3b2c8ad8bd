import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
// @ts-expect-error plain JavaScript build script, no types
import { actionTables, replaceBetween } from '../scripts/action-tables.mjs'
import { Input, Output, Statuses } from '../src/contract.js'
import { parseInputs } from '../src/inputs.js'
import { repoRoot } from './helpers/run-action.js'

const actionYaml = readFileSync(join(repoRoot, 'action.yml'), 'utf8')
const action = parse(actionYaml) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
  runs: Record<string, string>
}

describe('action.yml, the code and README agree', () => {
  it('declares exactly the inputs and outputs the code knows', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort())
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort())
  })

  it("the code's fallbacks for unset inputs are action.yml's defaults", () => {
    const defaults = action.inputs as Record<string, { default?: string }>
    const fromActionYml = parseInputs(name =>
      name === 'github-token' ? '' : (defaults[name]?.default ?? '')
    )
    expect(parseInputs(() => '')).toEqual(fromActionYml)
  })

  it("every status is in action.yml's status description and in README's status table", () => {
    const description = (action.outputs.status as { description: string }).description
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const rows = readme
      .slice(readme.indexOf('### Statuses'))
      .split('\n')
      .filter(l => l.startsWith('| `'))
    for (const status of Statuses) {
      expect(description).toContain(`\`${status}\``)
      expect(rows.some(r => r.startsWith(`| \`${status}\` `))).toBe(true)
    }
  })

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it("README's inputs and outputs tables match action.yml (regenerate with npm run readme)", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const tables = actionTables(actionYaml) as { inputs: string; outputs: string }
    const expected = replaceBetween(
      replaceBetween(readme, 'inputs', tables.inputs),
      'outputs',
      tables.outputs
    )
    // Prettier aligns table columns; compare the cells, not the padding.
    const cells = (text: string) => text.replace(/ *\| */g, '|').replace(/-{3,}/g, '---')
    expect(cells(readme)).toBe(cells(expected))
  })
})
