import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, it } from '@jest/globals'
import { repoRoot, runAction, type ActionRun } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

const bad = (name: string) => `__tests__/fixtures/bad/${name}/ecspresso.yml`

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run build')
})

/** One clear error: exactly one `::error::` annotation and a non-zero exit. */
function expectOneError(run: ActionRun): string {
  expect(run.exitCode, run.stdout + run.stderr).not.toBe(0)
  expect(run.errors).toHaveLength(1)
  expect(run.outputs.status).toBe('failed')
  expect(run.summary).toContain('Nothing was changed in AWS')
  return run.errors[0]!
}

describe('command: render, run as the runner runs dist/index.js', () => {
  it('renders examples/rolling to files, outputs and a job summary, with no AWS credentials', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: 'examples/rolling/ecspresso.yml', 'image-tag': 'v1.2.3' },
      env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', APP_ENV: 'staging' }
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.outputs.status).toBe('rendered')
    const task = JSON.parse(await readFile(run.outputs['task-definition']!, 'utf8'))
    const service = JSON.parse(await readFile(run.outputs['service-definition']!, 'utf8'))
    expect(task.family).toBe('web')
    expect(task.containerDefinitions[0].image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1.2.3')
    expect(task.containerDefinitions[0].environment).toContainEqual({ name: 'APP_ENV', value: 'staging' })
    expect(task.containerDefinitions[0].environment).toContainEqual({
      name: 'GREETING',
      value: 'hello, "world"'
    })
    expect(service.desiredCount).toBe(2)
    expect(run.summary).toContain('## Rendered web')
    expect(run.summary).toContain('web:v1.2.3')
    // The summary never shows environment values.
    expect(run.summary).not.toContain('staging')
    expect(run.stdout).toContain('"family": "web"')
  })

  it('applies images after rendering', async () => {
    const run = await runAction({
      inputs: {
        command: 'render',
        config: 'examples/rolling/ecspresso.yml',
        'image-tag': 'v1',
        images:
          'app=registry.example.com/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
      }
    })
    expect(run.exitCode, run.stdout).toBe(0)
    const task = JSON.parse(await readFile(run.outputs['task-definition']!, 'utf8'))
    expect(task.containerDefinitions[0].image).toBe(
      'registry.example.com/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
    )
  })
})

describe('bad input: one clear error, non-zero exit', () => {
  it('missing config file', async () => {
    const error = expectOneError(
      await runAction({ inputs: { command: 'render', config: 'nope/ecspresso.yml' } })
    )
    expect(error).toContain("input 'config': config file not found")
    expect(error).toContain('hint:')
  })

  it('YAML syntax error in the config', async () => {
    const error = expectOneError(
      await runAction({ inputs: { command: 'render', config: bad('yaml-syntax') } })
    )
    expect(error).toMatch(/yaml-syntax\/ecspresso\.yml:3:\d+: YAML syntax error/)
  })

  it('template syntax error names file, line and column', async () => {
    const error = expectOneError(
      await runAction({
        inputs: { command: 'render', config: bad('template-syntax') },
        env: { IMAGE_TAG: 'v1' }
      })
    )
    expect(error).toMatch(/template-syntax\/td\.json:6:\d+: /)
  })

  it('unknown function names it and suggests the right one', async () => {
    const error = expectOneError(
      await runAction({ inputs: { command: 'render', config: bad('unknown-function') } })
    )
    expect(error).toMatch(/unknown-function\/td\.json:6:\d+: .*must_envv/)
    expect(error).toContain('must_env')
  })

  it('missing must_env variable names the variable and where it is used', async () => {
    const error = expectOneError(
      await runAction({ inputs: { command: 'render', config: bad('missing-env'), 'image-tag': 'v1' } })
    )
    expect(error).toMatch(/missing-env\/td\.json:8:\d+: .*DATABASE_HOST/)
  })

  it('JSON syntax error after rendering shows the rendered line and the template line', async () => {
    const error = expectOneError(
      await runAction({ inputs: { command: 'render', config: bad('json-syntax') } })
    )
    expect(error).toMatch(
      /json-syntax\/td\.json:11:24: JSON syntax error after rendering, at rendered line 9, column 24 \(template line 11, column 24\): a trailing comma before }/
    )
  })

  it('unknown definition key close to a real one is a typo with a suggestion', async () => {
    const error = expectOneError(
      await runAction({ inputs: { command: 'render', config: bad('unknown-key') } })
    )
    expect(error).toMatch(/unknown-key\/td\.json:8:\d+: /)
    expect(error).toContain('memoryReservaton')
    expect(error).toContain('memoryReservation')
  })

  it('images naming no container', async () => {
    const error = expectOneError(
      await runAction({
        inputs: {
          command: 'render',
          config: 'examples/rolling/ecspresso.yml',
          'image-tag': 'v1',
          images: 'api=x:1'
        }
      })
    )
    expect(error).toContain("input 'images': images names 'api', which is not a container")
    expect(error).toContain('the containers are: app')
  })

  it('several bad inputs are reported together', async () => {
    const error = expectOneError(await runAction({ inputs: { command: 'rendr', 'dry-run': 'maybe' } }))
    expect(error).toContain('2 problems found')
  })
})
