import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { loadConfig } from '../../src/config/load.js'
import { ActionError } from '../../src/errors.js'
import { builtinFunctions } from '../../src/render/functions.js'

async function configFile(text: string, name = 'ecspresso.yml'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'config-test-'))
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

async function load(text: string, env: Record<string, string> = {}, name?: string) {
  const warnings: string[] = []
  const path = await configFile(text, name)
  const config = await loadConfig({
    path,
    env,
    functions: builtinFunctions(env),
    warn: (message, where) => warnings.push(`${where.line ?? '?'}:${where.column ?? '?'} ${message}`)
  })
  return { config, warnings, dir: join(path, '..') }
}

async function failure(text: string, env: Record<string, string> = {}): Promise<string> {
  try {
    await load(text, env)
  } catch (error) {
    if (error instanceof ActionError) return error.describe()
    throw error
  }
  throw new Error('expected the config to be rejected')
}

describe('loadConfig', () => {
  it('reads an ecspresso config, resolving paths relative to the config file', async () => {
    const { config, warnings, dir } = await load(
      [
        'region: ap-northeast-1',
        'cluster: production',
        'service: web',
        'service_definition: defs/ecs-service-def.json',
        'task_definition: defs/ecs-task-def.json',
        'timeout: 10m0s',
        'codedeploy:',
        '  application_name: AppECS-production-web',
        '  deployment_group_name: DgpECS-production-web',
        'plugins:',
        '  - name: tfstate',
        '    config:',
        '      url: s3://bucket/terraform.tfstate',
        '    func_prefix: net_',
        'ignore:',
        '  tags: [ManagedBy]',
        'required_version: ">= 2.0.0"'
      ].join('\n')
    )
    expect(warnings).toEqual([])
    expect(config).toMatchObject({
      region: 'ap-northeast-1',
      cluster: 'production',
      service: 'web',
      serviceDefinition: join(dir, 'defs/ecs-service-def.json'),
      taskDefinition: join(dir, 'defs/ecs-task-def.json'),
      timeoutMs: 600_000,
      codedeploy: { applicationName: 'AppECS-production-web', deploymentGroupName: 'DgpECS-production-web' },
      plugins: [{ name: 'tfstate', config: { url: 's3://bucket/terraform.tfstate' }, funcPrefix: 'net_' }],
      ignore: { tags: ['ManagedBy'] },
      requiredVersion: '>= 2.0.0'
    })
  })

  it('renders templates in the config itself', async () => {
    const { config } = await load(
      'region: us-west-2\ncluster: {{ must_env "CLUSTER" }}\nservice: {{ env "SVC" "web" }}\n',
      {
        CLUSTER: 'staging'
      }
    )
    expect(config.cluster).toBe('staging')
    expect(config.service).toBe('web')
  })

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION; cluster defaults to default', async () => {
    expect(
      (await load('service: web\n', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'x' })).config.region
    ).toBe('eu-west-1')
    const { config } = await load('service: web\n', { AWS_DEFAULT_REGION: 'eu-central-1' })
    expect(config.region).toBe('eu-central-1')
    expect(config.cluster).toBe('default')
  })

  it('reads JSON configs', async () => {
    const { config } = await load('{"region": "us-east-1", "service": "api"}', {}, 'ecspresso.json')
    expect(config.service).toBe('api')
  })

  it('warns about an unknown key, naming the closest known one and where it is', async () => {
    const { warnings } = await load('region: us-east-1\nservice: web\ntask_defintion: td.json\n')
    expect(warnings).toEqual([
      "3:1 unknown config key 'task_defintion' is ignored; did you mean 'task_definition'?"
    ])
  })

  it('rejects wrong types with file:line:col', async () => {
    const text = await failure('region: us-east-1\ncluster:\n  name: x\nplugins: tfstate\n')
    expect(text).toMatch(/ecspresso\.yml:2:1: 'cluster' must be a string, not a mapping/)
    expect(text).toMatch(/ecspresso\.yml:4:1: 'plugins' must be a list, not a string/)
  })

  it('rejects a timeout that is not a duration', async () => {
    // ecspresso reads it with Go's time.ParseDuration, which wants a unit too.
    const text = await failure('timeout: 600\n')
    expect(text).toMatch(/ecspresso\.yml:1:1: timeout '600' has no unit/)
    expect(text).toContain('600s or 10m')
    expect(await failure('timeout: soon\n')).toMatch(/timeout 'soon' is not a duration/)
    expect((await load('timeout: 1h30m\n')).config.timeoutMs).toBe(90 * 60_000)
  })

  it('rejects filter_command, which only the interactive CLI uses', async () => {
    expect(await failure('filter_command: peco\n')).toContain('filter_command is not supported')
  })

  it('rejects an unknown codedeploy key with a suggestion', async () => {
    expect(await failure('codedeploy:\n  application: x\n')).toContain("unknown key 'codedeploy.application'")
  })

  it('checks required_version against the ecspresso version the action behaves as', async () => {
    for (const ok of ['>= 2.0.0', '~> 2.8', '>= 2.0, < 3', 'v2.8.7', '!= 2.1.0', '']) {
      const { config } = await load(`required_version: "${ok}"\n`)
      expect(config.requiredVersion).toBe(ok)
    }
    const excluded = await failure('region: us-east-1\nrequired_version: ">= 3.0.0"\n')
    expect(excluded).toMatch(/ecspresso\.yml:2:\d+: required_version '>= 3\.0\.0' excludes ecspresso 2\.8\.7/)
    expect(excluded).toContain('hint: loosen the constraint')
    const malformed = await failure('required_version: "=> 2.0"\n')
    expect(malformed).toMatch(
      /ecspresso\.yml:1:\d+: required_version '=> 2\.0' is not a version constraint \(malformed constraint: => 2\.0\); this action behaves as ecspresso 2\.8\.7/
    )
    expect(malformed).toContain("e.g. '>= 2.0.0', '~> 2.8'")
  })
})
