import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SSMClient } from '@aws-sdk/client-ssm'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { AwsClients } from '../../src/aws/clients.js'
import { ActionError } from '../../src/errors.js'
import { pluginFunctions } from '../../src/render/plugins/index.js'
import { lookupState, scanState } from '../../src/render/plugins/tfstate.js'
import { renderTemplate } from '../../src/render/template/index.js'
import { startFakeSsm, type FakeSsm } from '../helpers/fake-ssm.js'

let ssm: FakeSsm

beforeAll(async () => {
  ssm = await startFakeSsm({
    '/app/host': { Type: 'String', Value: 'db.internal' },
    '/app/password': { Type: 'SecureString', Value: 's3cr3t' },
    '/app/subnets': { Type: 'StringList', Value: 'subnet-a,subnet-b' }
  })
})

afterAll(() => ssm.close())

function clients(): AwsClients {
  const common = {
    region: 'us-east-1',
    endpoint: ssm.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' }
  }
  return {
    region: 'us-east-1',
    ssm: () => Promise.resolve(new SSMClient(common)),
    secretsManager: () => Promise.resolve(new SecretsManagerClient(common))
  } as unknown as AwsClients
}

function sink() {
  const values: string[] = []
  return { values, add: (value: string) => values.push(value) }
}

describe('ssm and secretsmanager (default plugins)', () => {
  it('reads String, SecureString and StringList parameters, masking secure ones, once per name', async () => {
    ssm.requests.length = 0
    const secrets = sink()
    const functions = pluginFunctions([], clients, secrets, '/work/ecspresso.yml')
    const source =
      '{{ ssm "/app/host" }} {{ ssm "/app/password" }} {{ ssm "/app/subnets" 1 }} {{ ssm_list "/app/subnets" 0 }} {{ ssm "/app/host" }}'
    const { text } = await renderTemplate(source, { file: 'task.json', functions })
    expect(text).toBe('db.internal s3cr3t subnet-b subnet-a db.internal')
    expect(secrets.values).toEqual(['s3cr3t'])
    expect(ssm.requests.filter(r => r.includes('/app/host'))).toHaveLength(1)
  })

  it('reports a missing parameter and StringList misuse at the call', async () => {
    const functions = pluginFunctions([], clients, sink(), '.')
    const missing = await renderTemplate('\n  {{ ssm "/nope" }}', { file: 'task.json', functions }).catch(
      e => e
    )
    expect(missing).toBeInstanceOf(ActionError)
    expect(missing.message).toContain('error calling ssm: failed to get parameter /nope: ParameterNotFound')
    expect(missing.where).toEqual({ file: 'task.json', line: 2, column: 6 })
    const noIndex = await renderTemplate('{{ ssm "/app/subnets" }}', { file: 't', functions }).catch(e => e)
    expect(noIndex.message).toContain('the second argument is required for StringList')
  })

  it('resolves secret ARNs, with a printf-style variant', async () => {
    const functions = pluginFunctions([], clients, sink(), '.')
    const { text } = await renderTemplate(
      '{{ secretsmanager_arn "db" }} {{ secretsmanager_arnf "%s/%s" "app" "key" }}',
      {
        file: 't',
        functions
      }
    )
    expect(text).toBe(
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key-AbCdEf'
    )
  })
})

const state = {
  version: 4,
  outputs: {
    vpc_id: { value: 'vpc-1', type: 'string' },
    ids: { value: ['a', 'b'], type: ['list', 'string'] }
  },
  resources: [
    {
      mode: 'managed',
      type: 'aws_lb',
      name: 'main',
      instances: [{ attributes: { arn: 'arn:lb', tags: { 'my-tag': 'x' } } }]
    },
    {
      mode: 'managed',
      type: 'aws_subnet',
      name: 'private',
      each: 'map',
      instances: [
        { index_key: 'a', attributes: { id: 'subnet-a' } },
        { index_key: 'b', attributes: { id: 'subnet-b' } }
      ]
    },
    {
      module: 'module.net',
      mode: 'data',
      type: 'aws_vpc',
      name: 'this',
      instances: [{ attributes: { cidr_block: '10.0.0.0/16' } }]
    }
  ]
}

describe('tfstate plugin', () => {
  it('looks up resources, outputs, modules, data sources and indexed instances', () => {
    const scanned = scanState(state)
    expect(lookupState(scanned, 'aws_lb.main.arn')).toBe('arn:lb')
    expect(lookupState(scanned, 'aws_lb.main.tags["my-tag"]')).toBe('x')
    expect(lookupState(scanned, 'output.vpc_id')).toBe('vpc-1')
    expect(lookupState(scanned, 'output.ids[1]')).toBe('b')
    expect(lookupState(scanned, 'aws_subnet.private["b"].id')).toBe('subnet-b')
    expect(lookupState(scanned, 'module.net.data.aws_vpc.this.cidr_block')).toBe('10.0.0.0/16')
    expect(lookupState(scanned, 'aws_lb.mainx.arn')).toBeUndefined()
  })

  it('reads the state from a path relative to the config and renders values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfstate-'))
    await writeFile(join(dir, 'terraform.tfstate'), JSON.stringify(state))
    const functions = pluginFunctions(
      [{ name: 'tfstate', config: { path: 'terraform.tfstate' }, funcPrefix: 'net_' }],
      clients,
      sink(),
      join(dir, 'ecspresso.yml')
    )
    const source = `{{ net_tfstate "aws_lb.main.arn" }} {{ net_tfstatef "aws_subnet.private['%s'].id" "a" }} {{ net_tfstate "output.ids" }}`
    const { text } = await renderTemplate(source, { file: 't', functions })
    expect(text).toBe('arn:lb subnet-a ["a","b"]')
    const missing = await renderTemplate('{{ net_tfstate "aws_lb.nope.arn" }}', {
      file: 't',
      functions
    }).catch(e => e)
    expect(missing.message).toBe('error calling net_tfstate: aws_lb.nope.arn is not found in tfstate')
  })

  it('registers what a template reads from a sensitive output as a secret, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfstate-'))
    const sensitive = {
      ...state,
      outputs: {
        ...state.outputs,
        db_password: { value: 'tf-sensitive-pw', type: 'string', sensitive: true }
      }
    }
    await writeFile(join(dir, 'terraform.tfstate'), JSON.stringify(sensitive))
    const secrets = sink()
    const functions = pluginFunctions(
      [{ name: 'tfstate', config: { path: 'terraform.tfstate' }, funcPrefix: '' }],
      clients,
      secrets,
      join(dir, 'ecspresso.yml')
    )
    const { text } = await renderTemplate(
      '{{ tfstate "output.db_password" }} {{ tfstate "output.vpc_id" }}',
      {
        file: 't',
        functions
      }
    )
    expect(text).toBe('tf-sensitive-pw vpc-1')
    expect(secrets.values).toEqual(['tf-sensitive-pw'])
  })

  it('rejects unknown plugins, missing locations and clashing names', () => {
    expect(() =>
      pluginFunctions([{ name: 'vault', config: {}, funcPrefix: '' }], clients, sink(), '.')
    ).toThrow('plugin vault is not available')
    expect(() =>
      pluginFunctions([{ name: 'tfstate', config: {}, funcPrefix: '' }], clients, sink(), '.')
    ).toThrow('tfstate plugin requires path or url')
    const twice = [
      { name: 'tfstate', config: { path: 'a' }, funcPrefix: '' },
      { name: 'tfstate', config: { path: 'b' }, funcPrefix: '' }
    ]
    expect(() => pluginFunctions(twice, clients, sink(), '.')).toThrow(
      'template function tfstate already exists'
    )
  })
})
