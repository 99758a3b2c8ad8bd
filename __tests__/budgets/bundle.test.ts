// Budgets for the bundle: dist/ stays under 5 MB (go-jsonnet's wasm is 1.4 MB of it), and a command loads only the code it needs. The source side
// (which modules start-up and `render` import eagerly) is checked on src/; the bundle side on dist/ as built.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, it } from '@jest/globals'
import { nodeBinary, repoRoot } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

const DIST = join(repoRoot, 'dist')
const DIST_BUDGET_BYTES = 5_000_000
/** Kept by minification in the chunk that loads go-jsonnet's wasm. */
const JSONNET_MARKER = /jsonnet\.wasm\.br/
/** Markers minification keeps in chunks holding AWS SDK code: package names, service target prefixes. */
const SDK_MARKER =
  /@aws-sdk\/|@smithy\/|AmazonEC2ContainerServiceV20141113|CodeDeploy_20141006|AnyScaleFrontendService|AmazonSSM\b/

/**
 * The modules `entry` imports eagerly, transitively: static imports and re-exports that survive compilation
 * (type-only ones are erased), not `import()`. Package imports are returned by name and not followed.
 */
function eagerImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false)
    for (const statement of source.statements) {
      let specifier: string | undefined
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause
        if (clause?.isTypeOnly) continue
        const named = clause?.namedBindings
        // `import { type A, type B } from 'x'` is erased too (verbatimModuleSyntax is off).
        if (
          clause !== undefined &&
          clause.name === undefined &&
          named !== undefined &&
          ts.isNamedImports(named) &&
          named.elements.length > 0 &&
          named.elements.every(e => e.isTypeOnly)
        )
          continue
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined) {
        if (statement.isTypeOnly) continue
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text
      }
      if (specifier === undefined) continue
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))
        if (existsSync(target)) visit(target)
        else if (!specifier.endsWith('.json')) throw new Error(`${file}: cannot resolve ${specifier}`)
      } else {
        packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!
        )
      }
    }
  }
  visit(entry)
  return { files, packages }
}

const src = (path: string) => join(repoRoot, 'src', path)

describe('start-up imports (src)', () => {
  it('the entry loads no AWS SDK client eagerly: each command imports the clients it uses', () => {
    const { packages } = eagerImports(src('index.ts'))
    expect([...packages].filter(p => p.startsWith('@aws-sdk/'))).toEqual([])
  })

  it('command: render imports no AWS SDK package', () => {
    const { packages } = eagerImports(src('commands/render.ts'))
    expect([...packages].filter(p => p.startsWith('@aws-sdk/'))).toEqual([])
  })

  it('loading a project imports no Jsonnet code eagerly: a Jsonnet file imports it when read', () => {
    const { files } = eagerImports(src('commands/render.ts'))
    for (const entry of ['index.ts', 'project.ts', 'config/load.ts']) {
      for (const file of eagerImports(src(entry)).files) files.add(file)
    }
    const jsonnet = [...files].filter(file => file.includes(`${join('src', 'render', 'jsonnet')}`))
    expect(jsonnet).toEqual([])
    expect(eagerImports(src('render/jsonnet/document.ts')).files).toContain(src('render/jsonnet/wasm.ts'))
  })

  it('the walker sees value imports of the SDK where there are some', () => {
    const { packages } = eagerImports(src('ecs/watch.ts'))
    expect(packages).toContain('@aws-sdk/client-ecs')
  })
})

const describeWhenBuilt = existsSync(join(DIST, 'index.js')) ? describe : describe.skip

describeWhenBuilt('dist/ as built', () => {
  it(`totals at most ${DIST_BUDGET_BYTES / 1_000_000} MB`, () => {
    const sizes = readdirSync(DIST).map(name => [name, statSync(join(DIST, name)).size] as const)
    const total = sizes.reduce((sum, [, size]) => sum + size, 0)
    expect(total, sizes.map(([n, s]) => `${n} ${s}`).join('\n')).toBeLessThanOrEqual(DIST_BUDGET_BYTES)
  })

  const renderTraced = (config: string, extra: Record<string, string> = {}) => {
    const work = mkdtempSync(join(tmpdir(), 'bundle-budget-'))
    const log = join(work, 'loaded')
    for (const name of ['output', 'summary.md', 'loaded']) writeFileSync(join(work, name), '')
    const run = spawnSync(
      nodeBinary,
      ['--import', join(repoRoot, 'bench', 'loaded-files.mjs'), join(DIST, 'index.js')],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          LOADED_FILES_LOG: log,
          GITHUB_OUTPUT: join(work, 'output'),
          GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
          RUNNER_TEMP: work,
          INPUT_COMMAND: 'render',
          INPUT_CONFIG: config,
          'INPUT_IMAGE-TAG': 'v1',
          ...extra
        }
      }
    )
    expect(run.status, run.stdout + run.stderr).toBe(0)
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter(url => url.startsWith('file:'))
      .map(url => fileURLToPath(url))
      .filter(path => path.startsWith(`${DIST}/`))
  }

  it('a YAML project loads no Jsonnet code; a Jsonnet project loads it (and Go glue) from its own chunk', () => {
    const jsonnetIn = (paths: string[]) =>
      paths.filter(path => JSONNET_MARKER.test(readFileSync(path, 'utf8'))).map(path => basename(path))
    const yaml = renderTraced('examples/rolling/ecspresso.yml')
    expect(jsonnetIn(yaml)).toEqual([])
    expect(yaml).not.toContain(join(DIST, 'wasm_exec.js'))
    const jsonnet = renderTraced('examples/jsonnet/ecspresso.jsonnet', { 'INPUT_EXT-STR': 'stage=staging' })
    expect(jsonnetIn(jsonnet)).toHaveLength(1)
    expect(jsonnetIn(jsonnet)[0]).not.toBe('index.js')
    expect(jsonnet).toContain(join(DIST, 'wasm_exec.js'))
  })

  it('command: render loads the main file and the render chunk, no chunk with AWS SDK code', () => {
    const work = mkdtempSync(join(tmpdir(), 'bundle-budget-'))
    const log = join(work, 'loaded')
    for (const name of ['output', 'summary.md', 'loaded']) writeFileSync(join(work, name), '')
    const run = spawnSync(
      nodeBinary,
      ['--import', join(repoRoot, 'bench', 'loaded-files.mjs'), join(DIST, 'index.js')],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          LOADED_FILES_LOG: log,
          GITHUB_OUTPUT: join(work, 'output'),
          GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
          RUNNER_TEMP: work,
          INPUT_COMMAND: 'render',
          INPUT_CONFIG: 'examples/rolling/ecspresso.yml',
          'INPUT_IMAGE-TAG': 'v1'
        }
      }
    )
    expect(run.status, run.stdout + run.stderr).toBe(0)
    const loaded = readFileSync(log, 'utf8')
      .split('\n')
      .filter(url => url.startsWith('file:'))
      .map(url => fileURLToPath(url))
      .filter(path => path.startsWith(`${DIST}/`) && path !== join(DIST, 'index.js'))
    expect(loaded.length).toBeGreaterThan(0)
    for (const path of loaded) expect(SDK_MARKER.test(readFileSync(path, 'utf8')), path).toBe(false)
    // The markers do find the SDK where it is.
    const all = readdirSync(DIST).filter(name => /^\d+\.index\.js$/.test(name))
    expect(all.some(name => SDK_MARKER.test(readFileSync(join(DIST, name), 'utf8')))).toBe(true)
  })
})
