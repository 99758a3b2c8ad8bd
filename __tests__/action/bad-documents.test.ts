// Templates and documents that run away or lie, through dist/index.js: each ends in one located error, a
// non-zero exit and a summary, with no AWS write. (Issue 12, items 8-10.)
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { runAction, type ActionRun } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

/** A task definition of 20 lines; line 11 is the image, `image` is put there as it stands. */
const taskDefinition = (image: string, extra = '') =>
  [
    '{',
    '  "family": "web",',
    '  "networkMode": "awsvpc",',
    '  "requiresCompatibilities": ["FARGATE"],',
    '  "cpu": "256",',
    `  "memory": "512",${extra}`,
    '  "containerDefinitions": [',
    '    {',
    '      "name": "app",',
    '      "essential": true,',
    `      "image": ${image},`,
    '      "portMappings": [',
    '        {',
    '          "containerPort": 8080',
    '        }',
    '      ]',
    '    }',
    '  ]',
    '}',
    ''
  ].join('\n')

const config = 'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\n'

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  dir = await mkdtemp(join(tmpdir(), 'bad-documents-'))
  await writeFile(join(dir, 'ecspresso.yml'), config)
})
afterEach(async () => {
  // Bad input writes nothing, ever.
  expect(emulator.writes().map(w => w.operation)).toEqual([])
  await emulator.close()
})

function deploy(inputs: Record<string, string> = {}) {
  return runAction({
    inputs: { config: join(dir, 'ecspresso.yml'), 'image-tag': 'v2', ...inputs },
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1' },
    timeoutMs: 60_000
  })
}

/** One error annotation, a failed status, a summary that says nothing changed, and no stack trace. */
function oneError(run: ActionRun): string {
  expect(run.exitCode, run.stdout + run.stderr).toBe(1)
  expect(run.errors, run.stdout).toHaveLength(1)
  expect(run.outputs.status).toBe('failed')
  expect(run.summary).toContain('Nothing was changed in AWS')
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
  return run.errors[0]!
}

describe('render bounds (item 8)', () => {
  it('range 100000000 stops at the step limit instead of running Node out of memory', async () => {
    await writeFile(join(dir, 'td.json'), taskDefinition('"web:{{ range 100000000 }}{{ end }}"'))
    const error = oneError(await deploy())
    expect(error).toMatch(/td\.json:11:21: template stopped after 1,000,000 steps/)
  })

  it('a nested range of 10^10 steps ends with an error at the inner range', async () => {
    await writeFile(
      join(dir, 'td.json'),
      taskDefinition('"web:{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}"')
    )
    const error = oneError(await deploy())
    expect(error).toMatch(/td\.json:11:39: template stopped after 1,000,000 steps/)
  })

  it('output past 8 MiB is an error at the action that printed it', async () => {
    await writeFile(
      join(dir, 'td.json'),
      taskDefinition('"web:{{ range 20 }}{{ printf `%1000000d` 1 }}{{ end }}"')
    )
    const error = oneError(await deploy())
    expect(error).toMatch(/td\.json:11:35: the rendered output is larger than 8 Mi characters/)
  })

  it('printf "%400000000d" prints Go\'s %!(NOVERB) instead of building 400 MB', async () => {
    // An image cannot hold '%': the tag says whether printf printed Go's text.
    await writeFile(
      join(dir, 'td.json'),
      taskDefinition(
        '"web:{{ if eq (printf `%400000000d` 5) `%!(NOVERB)%!(EXTRA int=5)` }}go{{ else }}other{{ end }}"'
      )
    )
    const run = await runAction({
      inputs: { command: 'render', config: join(dir, 'ecspresso.yml') }
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const td = JSON.parse(await readFile(run.outputs['task-definition']!, 'utf8'))
    expect(td.containerDefinitions[0].image).toBe('web:go')
  })
})

describe('documents (item 9)', () => {
  it('a YAML alias bomb is one located error, not a ReferenceError', async () => {
    const bomb = [
      'region: us-east-1',
      'cluster: prod',
      'task_definition: td.json',
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      ''
    ].join('\n')
    await writeFile(join(dir, 'ecspresso.yml'), bomb)
    await writeFile(join(dir, 'td.json'), taskDefinition('"web:v1"'))
    const run = await deploy()
    const error = oneError(run)
    expect(error).toMatch(/ecspresso\.yml:5:8: YAML aliases expand to more than 1000 nodes/)
    expect(run.stdout + run.stderr).not.toContain('ReferenceError')
  })

  it('a duplicate JSON key is an error at the second one', async () => {
    await writeFile(join(dir, 'td.json'), taskDefinition('"web:v1"', ' "cpu": "4096",'))
    const error = oneError(await deploy())
    expect(error).toMatch(/td\.json:6:20: duplicate key "cpu" \(first at line 5\)/)
  })

  it('a duplicate YAML key is an error too', async () => {
    await writeFile(join(dir, 'ecspresso.yml'), `${config}cluster: staging\n`)
    await writeFile(join(dir, 'td.json'), taskDefinition('"web:v1"'))
    const error = oneError(await deploy())
    expect(error).toMatch(/ecspresso\.yml:5:1: YAML syntax error .*Map keys must be unique/)
  })

  it('invalid UTF-8 is an error at the first bad byte, not a silent U+FFFD', async () => {
    const text = taskDefinition('"web:caf\u00e9-v1"')
    const bytes = Buffer.from(text, 'utf8')
    const at = bytes.indexOf(Buffer.from('\u00e9', 'utf8'))
    // Latin-1 é: one byte 0xe9, which UTF-8 reads as the start of a 3-byte sequence.
    await writeFile(
      join(dir, 'td.json'),
      Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe9]), bytes.subarray(at + 2)])
    )
    const error = oneError(await deploy())
    expect(error).toMatch(/td\.json:11:24: the file is not valid UTF-8: byte 0xe9 at line 11, column 24/)
  })

  it('a byte order mark is accepted, in the config and in a definition', async () => {
    await writeFile(join(dir, 'ecspresso.yml'), `\ufeff${config}`)
    await writeFile(join(dir, 'td.json'), `\ufeff${taskDefinition('"web:{{ must_env `IMAGE_TAG` }}"')}`)
    const run = await runAction({
      inputs: { command: 'render', config: join(dir, 'ecspresso.yml'), 'image-tag': 'v2' }
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const td = JSON.parse(await readFile(run.outputs['task-definition']!, 'utf8'))
    expect(td.containerDefinitions[0].image).toBe('web:v2')
  })
})

describe('JSON errors at the right line and column (item 10)', () => {
  it('an unquoted template value on line 11 is reported on line 11, in rendered and template columns', async () => {
    await writeFile(join(dir, 'td.json'), taskDefinition('{{ must_env `IMAGE_TAG` }}'))
    const error = oneError(await deploy({ 'image-tag': 'registry.example.com/web:v2' }))
    expect(error).toContain(
      'td.json:11:16: JSON syntax error after rendering, at line 11, column 16 of the rendered text and the template: "registry.example.com" is not a JSON value'
    )
    expect(error).toContain('      "image": registry.example.com/web:v2,')
    expect(error).toContain('write "{{ … }}" around a template action')
  })

  it('a value that renders longer than its action points at the action in the template', async () => {
    await writeFile(
      join(dir, 'td.json'),
      taskDefinition('"{{ must_env `IMAGE_TAG` }}", "x": {{ must_env `IMAGE_TAG` }}')
    )
    const error = oneError(await deploy({ 'image-tag': 'registry.example.com/web:v2' }))
    // Rendered column 52; the action that produced it starts at template column 51.
    expect(error).toContain('at rendered line 11, column 52 (template line 11, column 51)')
    expect(error).toMatch(/^[^\n]*td\.json:11:51: /)
  })

  it('NaN is named and located', async () => {
    await writeFile(join(dir, 'td.json'), taskDefinition('"web:v1"', ' "x": NaN,'))
    const error = oneError(await deploy())
    expect(error).toContain(
      'td.json:6:25: JSON syntax error after rendering, at line 6, column 25 of the rendered text and the template: NaN is not a JSON value'
    )
  })
})
