// The aws-actions path: `cluster`, `service` and `task-definition` stand in for a config only when `config`
// is left at its default and no such file exists; otherwise they lay over the loaded config.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { realpathSync } from 'node:fs'
import { afterEach, describe, it } from '@jest/globals'
import {
  applyOverrides,
  configFromInputs,
  configFromInputsOnly,
  DEFAULT_CONFIG_PATH
} from '../../src/config/from-inputs.js'
import { expect } from '../helpers/expect.js'

const home = process.cwd()
afterEach(() => process.chdir(home))

async function inDirectory(withConfig: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'from-inputs-'))
  if (withConfig) await writeFile(join(dir, DEFAULT_CONFIG_PATH), 'region: us-east-1\n')
  // path.resolve reads the real working directory.
  process.chdir(dir)
  return realpathSync(dir)
}

describe('the config from the inputs', () => {
  it('stands in only with config at its default, no such file, and an input given', async () => {
    await inDirectory(false)
    expect(await configFromInputsOnly(DEFAULT_CONFIG_PATH, { service: 'web' })).toBe(true)
    expect(await configFromInputsOnly(DEFAULT_CONFIG_PATH, {})).toBe(false)
    expect(await configFromInputsOnly('deploy/ecspresso.yml', { service: 'web' })).toBe(false)
    await inDirectory(true)
    expect(await configFromInputsOnly(DEFAULT_CONFIG_PATH, { service: 'web' })).toBe(false)
  })

  it('takes the region from AWS_REGION (else AWS_DEFAULT_REGION), cluster default, the file beside the workspace', async () => {
    const dir = await inDirectory(false)
    const config = configFromInputs(
      { service: 'web', taskDefinition: 'td.json' },
      { AWS_REGION: 'eu-west-1' }
    )
    expect(config).toMatchObject({
      region: 'eu-west-1',
      cluster: 'default',
      service: 'web',
      taskDefinition: join(dir, 'td.json'),
      serviceDefinition: undefined
    })
    expect(configFromInputs({ cluster: 'prod' }, { AWS_DEFAULT_REGION: 'us-west-2' })).toMatchObject({
      region: 'us-west-2',
      cluster: 'prod',
      taskDefinition: undefined
    })
  })

  it('lays the inputs given over a loaded config and keeps the rest', async () => {
    const dir = await inDirectory(false)
    const loaded = configFromInputs({ cluster: 'a', service: 'b', taskDefinition: 'x.json' }, {})
    expect(applyOverrides(loaded, { service: 'c' })).toMatchObject({ cluster: 'a', service: 'c' })
    expect(applyOverrides(loaded, { cluster: 'z', taskDefinition: 'y.json' })).toMatchObject({
      cluster: 'z',
      service: 'b',
      taskDefinition: join(dir, 'y.json')
    })
  })
})
