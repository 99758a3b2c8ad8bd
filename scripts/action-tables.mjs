// Builds README's inputs and outputs tables from action.yml, the one place defaults live.
// `node scripts/action-tables.mjs --write` rewrites them in README.md between the markers; the tests check them.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const cell = text => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')

export function actionTables(actionYaml) {
  const action = parse(actionYaml)
  const inputs = Object.entries(action.inputs ?? {}).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.default === undefined ? '' : `\`${cell(spec.default)}\``} | ${cell(spec.description)} |`
  )
  const outputs = Object.entries(action.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`
  )
  return {
    inputs: ['| input | default | description |', '| --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| output | description |', '| --- | --- |', ...outputs].join('\n')
  }
}

export function replaceBetween(text, name, body) {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`)
  return `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`
}

if (process.argv.includes('--write')) {
  const tables = actionTables(readFileSync('action.yml', 'utf8'))
  let readme = readFileSync('README.md', 'utf8')
  readme = replaceBetween(readme, 'inputs', tables.inputs)
  readme = replaceBetween(readme, 'outputs', tables.outputs)
  writeFileSync('README.md', readme)
}
