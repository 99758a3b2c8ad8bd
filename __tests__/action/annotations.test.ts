// File annotations, as the runner reads them from dist/index.js's stdout: every located error and warning is a
// `::error file=…,line=…,col=…::` (or `::warning …`) with the path relative to GITHUB_WORKSPACE, so GitHub
// marks the line in the pull request's diff.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, it } from '@jest/globals'
import { repoRoot, runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run build')
})

interface Annotation {
  readonly kind: string
  readonly props: Record<string, string>
  readonly message: string
}

/** The annotation commands on stdout, properties and message decoded as the runner decodes them. */
function annotations(stdout: string): Annotation[] {
  const decode = (text: string) =>
    text
      .replace(/%0A/g, '\n')
      .replace(/%0D/g, '\r')
      .replace(/%3A/g, ':')
      .replace(/%2C/g, ',')
      .replace(/%25/g, '%')
  return stdout
    .split('\n')
    .map(line => /^::(error|warning)( [^:]*)?::(.*)$/.exec(line))
    .filter(m => m !== null)
    .map(m => ({
      kind: m[1]!,
      props: Object.fromEntries(
        (m[2] ?? '')
          .trim()
          .split(',')
          .filter(p => p !== '')
          .map(p => [p.slice(0, p.indexOf('=')), decode(p.slice(p.indexOf('=') + 1))])
      ),
      message: decode(m[3]!)
    }))
}

const fixtures = '__tests__/fixtures'

describe('located errors and warnings are file annotations', () => {
  it('a bad task definition: ::error with the file relative to the workspace, its line and column', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: `${fixtures}/bad/unknown-key/ecspresso.yml` }
    })
    expect(run.exitCode, run.stdout).toBe(1)
    const errors = annotations(run.stdout).filter(a => a.kind === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.props).toEqual({
      title: 'ECS render failed',
      file: `${fixtures}/bad/unknown-key/td.json`,
      line: '8',
      col: '7'
    })
    expect(errors[0]!.message).toContain("unknown key 'memoryReservaton'")
    expect(run.stdout).toMatch(
      /^::error title=ECS render failed,file=__tests__\/fixtures\/bad\/unknown-key\/td\.json,line=8,col=7::/m
    )
  })

  it('a template error: ::error on the template line', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: `${fixtures}/bad/template-syntax/ecspresso.yml` },
      env: { IMAGE_TAG: 'v1' }
    })
    expect(run.exitCode).toBe(1)
    const [error, ...rest] = annotations(run.stdout).filter(a => a.kind === 'error')
    expect(rest).toEqual([])
    expect(error!.props.file).toBe(`${fixtures}/bad/template-syntax/td.json`)
    expect(error!.props.line).toBe('6')
    expect(Number(error!.props.col)).toBeGreaterThan(0)
  })

  it('a JSON syntax error after rendering and a YAML error in the config are marked where they are', async () => {
    const json = await runAction({
      inputs: { command: 'render', config: `${fixtures}/bad/json-syntax/ecspresso.yml` }
    })
    expect(annotations(json.stdout).find(a => a.kind === 'error')!.props).toMatchObject({
      file: `${fixtures}/bad/json-syntax/td.json`,
      line: '11',
      col: '24'
    })
    const yaml = await runAction({
      inputs: { command: 'render', config: `${fixtures}/bad/yaml-syntax/ecspresso.yml` }
    })
    expect(annotations(yaml.stdout).find(a => a.kind === 'error')!.props).toMatchObject({
      file: `${fixtures}/bad/yaml-syntax/ecspresso.yml`,
      line: '3'
    })
  })

  it('run from a subdirectory of the workspace, the path is still the repository path', async () => {
    const cwd = join(repoRoot, fixtures, 'bad', 'unknown-key')
    const run = await runAction({
      cwd,
      inputs: { command: 'render', config: 'ecspresso.yml' },
      env: { GITHUB_WORKSPACE: repoRoot }
    })
    expect(run.exitCode).toBe(1)
    const error = annotations(run.stdout).find(a => a.kind === 'error')!
    expect(error.props.file).toBe(`${fixtures}/bad/unknown-key/td.json`)
    // The message keeps the path as the step sees it.
    expect(error.message).toMatch(/^td\.json:8:7: /)
  })

  it('several problems in one file: one annotation each, each on its own line', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: `${fixtures}/annotations/two-errors/ecspresso.yml` }
    })
    expect(run.exitCode).toBe(1)
    const errors = annotations(run.stdout).filter(a => a.kind === 'error')
    expect(errors.map(e => [e.props.file, e.props.line])).toEqual([
      [`${fixtures}/annotations/two-errors/td.json`, '7'],
      [`${fixtures}/annotations/two-errors/td.json`, '8']
    ])
    // The job summary still has them all, in one block.
    expect(run.summary).toContain('2 problems found')
  })

  it('config and definition warnings: ::warning on their lines, and the step succeeds', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: `${fixtures}/annotations/warn/ecspresso.yml` }
    })
    expect(run.exitCode, run.stdout).toBe(0)
    const warnings = annotations(run.stdout).filter(a => a.kind === 'warning')
    expect(warnings.find(w => w.message.includes("unknown config key 'timeuot'"))!.props).toMatchObject({
      file: `${fixtures}/annotations/warn/ecspresso.yml`,
      line: '5'
    })
    expect(warnings.find(w => w.message.includes('x_team_owner'))!.props).toMatchObject({
      file: `${fixtures}/annotations/warn/td.json`,
      line: '7'
    })
  })

  it('an input error names no file: one plain ::error, titled by the command asked for', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: `${fixtures}/bad/unknown-key/ecspresso.yml`, wait: 'maybe' }
    })
    expect(run.exitCode).toBe(1)
    const errors = annotations(run.stdout).filter(a => a.kind === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.props).toEqual({ title: 'ECS render failed' })
    expect(run.summary).toMatch(/^## ❌ ECS render failed/)
  })

  it('a secret in a located error is masked in the annotation as in every other line', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: `${fixtures}/bad/unknown-key/ecspresso.yml` },
      env: { AWS_SECRET_ACCESS_KEY: 'memoryReservaton' }
    })
    const error = annotations(run.stdout).find(a => a.kind === 'error')!
    expect(error.props.file).toBe(`${fixtures}/bad/unknown-key/td.json`)
    expect(error.message).not.toContain('memoryReservaton')
    expect(error.message).toContain('•••')
  })
})
