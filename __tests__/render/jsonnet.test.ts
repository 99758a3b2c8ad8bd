// Jsonnet as ecspresso reads it, through go-jsonnet's WebAssembly build (dist/jsonnet.wasm.br, made by
// `npm run build`): configs and definitions, imports, importstr, natives, ext vars, and errors with positions.
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { createAwsClients } from '../../src/aws/clients.js'
import { ActionError } from '../../src/errors.js'
import { parseInputs } from '../../src/inputs.js'
import { memoryLogger } from '../../src/log.js'
import { loadProject, type LoadProjectOptions } from '../../src/project.js'
import { evaluateJsonnet, MAX_ROUNDS } from '../../src/render/jsonnet/index.js'
import { startFakeSsm, type FakeSsm } from '../helpers/fake-ssm.js'
import { expect } from '../helpers/expect.js'

const fixture = '__tests__/fixtures/jsonnet/project'
const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'))

const projectOptions = {
  configPath: `${fixture}/ecspresso.jsonnet`,
  env: { IMAGE_TAG: 'v1', APP_ENV: 'prod', DESIRED_COUNT: '2' },
  extStr: { stage: 'prod' },
  extCode: { timeout_minutes: '5 * 3', debug: 'true' }
}

let dir: string
beforeAll(async () => {
  dir = relative(process.cwd(), await mkdtemp(join(tmpdir(), 'jsonnet-')))
})

/** Writes files under a fresh directory (relative to the working directory, as users give paths). */
async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(dir, 'p-'))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true })
    await writeFile(join(root, name), text)
  }
  return relative(process.cwd(), root)
}

async function load(options: Partial<LoadProjectOptions> & { configPath: string }) {
  return loadProject({ env: {}, log: memoryLogger(), ...options })
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ActionError)
  return error as ActionError
}

const minimalTask = `{ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx' }] }`

describe('a Jsonnet project', () => {
  it('renders config and definitions to the expected JSON: imports, importstr, natives, ext vars, templates after', async () => {
    const loaded = await load(projectOptions)
    expect(loaded.config).toMatchObject({
      region: 'us-east-1',
      cluster: 'default-cluster',
      service: 'web-prod',
      timeoutMs: 15 * 60_000
    })
    expect(loaded.taskDefinition).toEqual(await readJson(`${fixture}/expected/task-definition.json`))
    expect(loaded.serviceDefinition).toEqual(await readJson(`${fixture}/expected/service-definition.json`))
  })

  it('a .json config is Jsonnet: comments, unquoted keys, trailing commas, and templates in strings', async () => {
    const root = await project({
      'ecspresso.json': `{
  // a comment
  region: 'us-east-1',
  cluster: "{{ must_env \`CLUSTER\` }}",
  service: std.asciiLower('WEB'),
  task_definition: 'td.jsonnet',
}`,
      'td.jsonnet': minimalTask
    })
    const loaded = await load({ configPath: `${root}/ecspresso.json`, env: { CLUSTER: 'prod' } })
    expect(loaded.config).toMatchObject({ cluster: 'prod', service: 'web' })
    expect(loaded.taskDefinition?.family).toBe('web')
  })

  it('a .json definition is JSON, not Jsonnet: a comment in it is an error', async () => {
    const root = await project({
      'ecspresso.yml': 'region: us-east-1\ntask_definition: td.json\n',
      'td.json': '{\n  // no\n  "family": "web"\n}\n'
    })
    const error = await failure(load({ configPath: `${root}/ecspresso.yml` }))
    expect(error.message).toContain('comments are not allowed in JSON')
  })

  it('std.length of a template string counts the template text: Jsonnet runs first', async () => {
    const loaded = await load(projectOptions)
    const environment = loaded.taskDefinition?.containerDefinitions?.[0]?.environment ?? []
    expect(environment.find(e => e.name === 'TEMPLATE_LENGTH')?.value).toBe(
      String('{{ must_env `APP_ENV` }}'.length)
    )
  })
})

describe('natives', () => {
  async function evaluate(expression: string, env: Record<string, string | undefined> = {}) {
    const root = await project({
      'ecspresso.jsonnet': `{ region: 'us-east-1', service: ${expression} }`
    })
    return (await load({ configPath: `${root}/ecspresso.jsonnet`, env })).config.service
  }

  it('env gives the variable, or the default when it is unset or empty (as ecspresso)', async () => {
    expect(await evaluate(`std.native('env')('NAME', 'dflt')`, { NAME: 'set' })).toBe('set')
    expect(await evaluate(`std.native('env')('NAME', 'dflt')`, {})).toBe('dflt')
    expect(await evaluate(`std.native('env')('NAME', 'dflt')`, { NAME: '' })).toBe('dflt')
  })

  it('must_env gives the variable, an empty one too; unset is an error at the call', async () => {
    expect(await evaluate(`std.native('must_env')('NAME') + '!'`, { NAME: '' })).toBe('!')
    const root = await project({
      'ecspresso.jsonnet': `{\n  region: 'us-east-1',\n  service: std.native('must_env')('NOPE'),\n}\n`
    })
    const error = await failure(load({ configPath: `${root}/ecspresso.jsonnet` }))
    expect(error.message).toBe('Jsonnet runtime error: must_env: NOPE is not set')
    expect(error.where).toEqual({ file: `${root}/ecspresso.jsonnet`, line: 3, column: 12 })
  })

  it('a wrong number of arguments is go-jsonnet own error', async () => {
    const root = await project({ 'ecspresso.jsonnet': `{ service: std.native('must_env')('A', 'B') }` })
    const error = await failure(load({ configPath: `${root}/ecspresso.jsonnet`, env: { A: 'a' } }))
    expect(error.message).toContain('function expected 1 positional argument(s), but got 2')
  })

  it('env values read under redact are secrets, public ones are not', async () => {
    const root = await project({
      'ecspresso.jsonnet': `{ region: 'us-east-1', service: std.native('env')('DB', '') + std.native('must_env')('IMAGE_TAG'), task_definition: 'td.jsonnet' }`,
      'td.jsonnet': minimalTask
    })
    const loaded = await load({
      configPath: `${root}/ecspresso.jsonnet`,
      env: { DB: 'hunter2', IMAGE_TAG: 'v9' },
      redact: true
    })
    expect(loaded.secrets).toEqual(['hunter2'])
  })

  it('tfstate gives the value itself, a number stays a number; func_prefix names the native', async () => {
    const root = await project({
      'ecspresso.yml':
        'region: us-east-1\ntask_definition: td.jsonnet\nplugins:\n  - name: tfstate\n    func_prefix: my_\n    config: { path: tf.json }\n',
      'tf.json': JSON.stringify({
        version: 4,
        outputs: {
          n: { value: 3, type: 'number' },
          s: { value: 'x', type: 'string', sensitive: true },
          db: { value: { user: 'admin', password: 'pw-4711' }, type: 'object', sensitive: true }
        },
        resources: []
      }),
      'td.jsonnet': `{ family: 'web' + (std.native('my_tfstate')('output.n') + 1) + std.native('my_tfstate')('output.s'), containerDefinitions: [{ name: 'app', image: 'nginx', dockerLabels: { password: std.native('my_tfstate')('output.db').password } }] }`
    })
    const loaded = await load({ configPath: `${root}/ecspresso.yml` })
    expect(loaded.taskDefinition?.family).toBe('web4x')
    expect(loaded.secrets).toContain('x')
    // A sensitive object taken apart in Jsonnet: each string in it is a secret.
    expect(loaded.secrets).toContain('pw-4711')
  })
})

describe('plugin natives that read AWS (ssm), resolved between evaluation rounds', () => {
  let ssm: FakeSsm
  const saved = { ...process.env }
  beforeAll(async () => {
    // The SDK reads credentials from the process environment; the fake accepts any.
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    ssm = await startFakeSsm({
      '/app/password': { Type: 'SecureString', Value: 's3cr3t-value' },
      '/app/name': { Type: 'String', Value: '/app/image' },
      '/app/image': { Type: 'String', Value: 'nginx:1.27' },
      '/app/list': { Type: 'StringList', Value: 'a,b,c' }
    })
  })
  afterAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = saved.AWS_ACCESS_KEY_ID
    process.env.AWS_SECRET_ACCESS_KEY = saved.AWS_SECRET_ACCESS_KEY
    if (saved.AWS_ACCESS_KEY_ID === undefined) delete process.env.AWS_ACCESS_KEY_ID
    if (saved.AWS_SECRET_ACCESS_KEY === undefined) delete process.env.AWS_SECRET_ACCESS_KEY
    await ssm.close()
  })

  it('independent, dependent and list lookups; SecureString values reach the secrets; no stray lookups', async () => {
    const root = await project({
      'ecspresso.yml': 'region: us-east-1\ntask_definition: td.jsonnet\n',
      'td.jsonnet': `local ssm = std.native('ssm');
{
  family: 'web-' + std.native('ssm_list')('/app/list', 1),
  containerDefinitions: [{
    name: 'app',
    image: ssm(ssm('/app/name')),
    environment: [{ name: 'PASSWORD', value: ssm('/app/password') }],
  }],
}`
    })
    ssm.requests.length = 0
    const loaded = await load({
      configPath: `${root}/ecspresso.yml`,
      awsClients: region => createAwsClients({ region, endpoint: ssm.endpoint, maxAttempts: 1 })
    })
    const container = loaded.taskDefinition?.containerDefinitions?.[0]
    expect(loaded.taskDefinition?.family).toBe('web-b')
    expect(container?.image).toBe('nginx:1.27')
    expect(container?.environment).toEqual([{ name: 'PASSWORD', value: 's3cr3t-value' }])
    expect(loaded.secrets).toContain('s3cr3t-value')
    // Each parameter read once (memoized), none with a placeholder for a name.
    expect([...ssm.requests].sort()).toEqual([
      'AmazonSSM.GetParameter /app/image',
      'AmazonSSM.GetParameter /app/list',
      'AmazonSSM.GetParameter /app/name',
      'AmazonSSM.GetParameter /app/password'
    ])
  })

  it('a lookup that fails is an error at the call that needs it, not at one a placeholder led to', async () => {
    const root = await project({
      'ecspresso.yml': 'region: us-east-1\ntask_definition: td.jsonnet\n',
      'td.jsonnet': `local ssm = std.native('ssm');
{
  family: 'web',
  containerDefinitions: [{ name: 'app', image: ssm('/app/missing') }],
}`
    })
    const error = await failure(
      load({
        configPath: `${root}/ecspresso.yml`,
        awsClients: region => createAwsClients({ region, endpoint: ssm.endpoint, maxAttempts: 1 })
      })
    )
    expect(error.message).toContain('Parameter /app/missing not found')
    expect(error.where).toMatchObject({ file: `${root}/td.jsonnet`, line: 4 })
  })

  it(`gives up after ${MAX_ROUNDS} rounds of lookups that each depend on the one before`, async () => {
    let calls = 0
    const natives = {
      next: { params: ['n'], call: ([n]: readonly unknown[]) => (calls++, Promise.resolve(Number(n) + 1)) }
    }
    const chain = `local next = std.native('next'); ${'next('.repeat(MAX_ROUNDS + 1)}0${')'.repeat(MAX_ROUNDS + 1)}`
    const error = await failure(evaluateJsonnet({ file: 'chain.jsonnet', source: chain, natives }))
    expect(error.message).toContain(`more than ${MAX_ROUNDS} levels deep`)
    expect(calls).toBe(MAX_ROUNDS)
    const short = `local next = std.native('next'); next(next(next(0)))`
    expect(JSON.parse(await evaluateJsonnet({ file: 'short.jsonnet', source: short, natives }))).toBe(3)
  })
})

describe('errors name the file the user wrote, line and column', () => {
  it('a syntax error in the config', async () => {
    const root = await project({ 'ecspresso.jsonnet': `{\n  region: 'us-east-1',\n  service: ,\n}\n` })
    const error = await failure(load({ configPath: `${root}/ecspresso.jsonnet` }))
    expect(error.message).toBe('Jsonnet Unexpected: "," while parsing terminal')
    expect(error.where).toEqual({ file: `${root}/ecspresso.jsonnet`, line: 3, column: 12 })
  })

  it('a runtime error inside an imported file, columns in characters (not bytes)', async () => {
    const root = await project({
      'ecspresso.yml': 'region: us-east-1\ntask_definition: defs/td.jsonnet\n',
      'defs/td.jsonnet': `local lib = import '../lib/lib.libsonnet';\n{ family: lib.name }\n`,
      'lib/lib.libsonnet': `{\n  name: '日本' + error 'no family here',\n}\n`
    })
    const error = await failure(load({ configPath: `${root}/ecspresso.yml` }))
    expect(error.message).toBe('Jsonnet runtime error: no family here')
    expect(error.where).toEqual({ file: `${root}/lib/lib.libsonnet`, line: 2, column: 16 })
    expect(error.hint).toContain(`${root}/defs/td.jsonnet:2:11`)
  })

  it('an import that does not exist: go-jsonnet words, at the import', async () => {
    const root = await project({
      'ecspresso.yml': 'region: us-east-1\ntask_definition: td.jsonnet\n',
      'td.jsonnet': `\nlocal x = import 'nope.libsonnet';\nx\n`
    })
    const error = await failure(load({ configPath: `${root}/ecspresso.yml` }))
    expect(error.message).toContain(
      `couldn't open import "nope.libsonnet": no match locally or in the Jsonnet library paths`
    )
    expect(error.where).toMatchObject({ file: `${root}/td.jsonnet`, line: 2 })
    expect(error.hint).toContain('relative to the importing file')
  })

  it('an undefined external variable, and bad ext-code, which names the input', async () => {
    const root = await project({ 'ecspresso.jsonnet': `{ region: std.extVar('region') }` })
    const undefinedVar = await failure(load({ configPath: `${root}/ecspresso.jsonnet` }))
    expect(undefinedVar.message).toContain('Undefined external variable: region')
    expect(undefinedVar.hint).toContain('ext-str or ext-code')
    const badCode = await failure(
      load({ configPath: `${root}/ecspresso.jsonnet`, extCode: { region: '{ a: }' } })
    )
    expect(badCode.where).toEqual({ input: 'ext-code' })
  })

  it('a template error after evaluation says it is in the JSON Jsonnet printed', async () => {
    // Backquotes: Jsonnet prints a double quote in a string as \", which a template action cannot read.
    const root = await project({ 'ecspresso.jsonnet': "{ region: '{{ must_env `NOPE` }}' }" })
    const error = await failure(load({ configPath: `${root}/ecspresso.jsonnet` }))
    expect(error.message).toContain('NOPE is not defined')
    expect(error.where?.file).toBe(`${root}/ecspresso.jsonnet (as Jsonnet printed it)`)
  })
})

describe('ext-str and ext-code inputs', () => {
  const parse = (inputs: Record<string, string>) => parseInputs(name => inputs[name] ?? '')

  it('are NAME=VALUE lines; the value keeps everything after the first =', () => {
    const inputs = parse({
      'ext-str': 'stage=prod\n# comment\n\nquery=a=b \n',
      'ext-code': 'replicas=3\nflags={ debug: true }'
    })
    expect(inputs.extStr).toEqual({ stage: 'prod', query: 'a=b ' })
    expect(inputs.extCode).toEqual({ replicas: '3', flags: '{ debug: true }' })
  })

  it('a line without a name, a name given twice, or in both inputs, are errors naming the input', () => {
    expect(() => parse({ 'ext-str': 'novalue' })).toThrow(/input 'ext-str'|is not NAME=VALUE/)
    const all = (() => {
      try {
        parse({ 'ext-str': 'a=1\na=2\nb=1', 'ext-code': 'b=2\n=3' })
      } catch (error) {
        return (error as ActionError).describe()
      }
      return ''
    })()
    expect(all).toContain("external variable 'a' is given twice")
    expect(all).toContain("line 2 '=3' is not NAME=VALUE")
    expect(all).toContain("external variable 'b' is given in both ext-str and ext-code")
  })
})
