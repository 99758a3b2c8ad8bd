// Jsonnet projects through dist/index.js, as the runner runs it: `command: render` of examples/jsonnet and of
// the fixture project (ext-str and ext-code inputs), a Jsonnet error as one annotation with its position, and a
// dry run against the emulator.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { repoRoot, runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

const fixture = '__tests__/fixtures/jsonnet/project'
const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'))

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'jsonnet.wasm.br')))
    throw new Error('dist/jsonnet.wasm.br is missing: run npm run build')
})

describe('command: render of a Jsonnet project', () => {
  it('renders examples/jsonnet with the stage from ext-str', async () => {
    const run = await runAction({
      inputs: {
        command: 'render',
        config: 'examples/jsonnet/ecspresso.jsonnet',
        'image-tag': 'v2.0.1',
        'ext-str': 'stage=staging'
      },
      env: { AWS_REGION: 'us-east-1' }
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.outputs.status).toBe('rendered')
    interface Task {
      family: string
      containerDefinitions: { image: string; environment: unknown[] }[]
    }
    const task = (await readJson(run.outputs['task-definition']!)) as Task
    const service = (await readJson(run.outputs['service-definition']!)) as { desiredCount: number }
    expect(task).toMatchObject({ family: 'api-staging', cpu: '256', memory: '512' })
    expect(task.containerDefinitions[0]!.image).toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v2.0.1'
    )
    expect(task.containerDefinitions[0]!.environment).toEqual([
      { name: 'STAGE', value: 'staging' },
      { name: 'LOG_LEVEL', value: 'debug' }
    ])
    expect(service.desiredCount).toBe(1)
    expect(run.summary).toContain('## Rendered api-staging')
  })

  it('renders the fixture project to its expected JSON, ext-code included', async () => {
    const run = await runAction({
      inputs: {
        command: 'render',
        config: `${fixture}/ecspresso.jsonnet`,
        'image-tag': 'v1',
        'ext-str': 'stage=prod',
        'ext-code': 'timeout_minutes=5 * 3\ndebug=true'
      },
      env: { APP_ENV: 'prod', DESIRED_COUNT: '2' }
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(await readJson(run.outputs['task-definition']!)).toEqual(
      await readJson(`${fixture}/expected/task-definition.json`)
    )
    expect(await readJson(run.outputs['service-definition']!)).toEqual(
      await readJson(`${fixture}/expected/service-definition.json`)
    )
  })

  it('a Jsonnet error is one annotation at file:line:col, and nothing changes', async () => {
    const run = await runAction({
      inputs: { command: 'render', config: `${fixture}/ecspresso.jsonnet`, 'ext-str': 'stage=prod' }
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('Undefined external variable: timeout_minutes')
    expect(run.errors[0]).toMatch(new RegExp(`${fixture}/ecspresso\\.jsonnet:10:\\d+: Jsonnet runtime error`))
    expect(run.outputs.status).toBe('failed')
    expect(run.summary).toContain('Nothing was changed in AWS')
  })
})

describe('dry run of examples/jsonnet against the emulator', () => {
  let emulator: Emulator
  beforeEach(async () => {
    emulator = await startEmulator({ clock: { mode: 'virtual' } })
    emulator.createCluster('demo')
  })
  afterEach(async () => emulator.close())

  it('plans from the Jsonnet definitions and writes nothing', async () => {
    const run = await runAction({
      inputs: {
        config: 'examples/jsonnet/ecspresso.jsonnet',
        'dry-run': 'true',
        'image-tag': 'v3',
        'ext-str': 'stage=production'
      },
      env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1' }
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.outputs.status).toBe('dry-run')
    expect(run.outputs['has-changes']).toBe('true')
    expect(run.outputs.diff).toContain('"family": "api-production"')
    expect(run.outputs.diff).toContain('api:v3')
    expect(emulator.writes()).toEqual([])
  })
})
