import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import {
  BOOLEAN_INPUTS,
  cliCommands,
  flagNames,
  helpText,
  parseArgs,
  UsageError
} from '../../src/cli/args.js'
import { Commands, Input } from '../../src/contract.js'
import { parseInputs } from '../../src/inputs.js'
import { repoRoot } from '../helpers/run-action.js'

const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}

const usage = (argv: string[]): string => {
  try {
    parseArgs(argv)
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  throw new Error(`no usage error for ${argv.join(' ')}`)
}

describe('the command line as action inputs', () => {
  it("reads ecspresso's deploy flags as the inputs that mean the same", () => {
    const args = parseArgs([
      'deploy',
      '-c',
      'app/ecspresso.yml',
      '--dry-run',
      '--tasks',
      '3',
      '--skip-task-definition',
      '--latest-task-definition',
      '--force-new-deployment',
      '--no-wait',
      '--timeout=5m',
      '--rollback-events',
      'DEPLOYMENT_FAILURE',
      '--rollback-events',
      'DEPLOYMENT_STOP_ON_ALARM',
      '--ext-str',
      'env=prod',
      '--ext-str',
      'tier=web',
      '--ext-code',
      'replicas=3'
    ])
    expect(args.command).toBe('deploy')
    expect(args.inputs).toEqual({
      config: 'app/ecspresso.yml',
      'dry-run': 'true',
      'desired-count': '3',
      'skip-task-definition': 'true',
      'latest-task-definition': 'true',
      'force-new-deployment': 'true',
      wait: 'false',
      timeout: '5m',
      'rollback-events': 'DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_ALARM',
      'ext-str': 'env=prod\ntier=web',
      'ext-code': 'replicas=3'
    })
  })

  it('reads rollback and run flags, and any input as --kebab-name', () => {
    expect(parseArgs(['rollback', '--no-deregister-task-definition']).inputs).toEqual({ deregister: 'false' })
    expect(
      parseArgs([
        'run',
        '--task-def',
        'migrate.json',
        '--count',
        '2',
        '--watch-container=app',
        '--image',
        'app=repo/app:v2',
        '--image',
        'side=repo/side:v2',
        '--redact=false'
      ]).inputs
    ).toEqual({
      'task-definition': 'migrate.json',
      count: '2',
      'watch-container': 'app',
      images: 'app=repo/app:v2\nside=repo/side:v2',
      redact: 'false'
    })
  })

  it('reads the CLI flags that say where AWS is and how to print', () => {
    const args = parseArgs([
      'diff',
      '--endpoint',
      'http://127.0.0.1:4566',
      '--region=eu-west-1',
      '--profile',
      'dev',
      '--quiet',
      '--summary-file',
      's.md',
      '--no-color'
    ])
    expect(args).toMatchObject({
      command: 'diff',
      endpoint: 'http://127.0.0.1:4566',
      region: 'eu-west-1',
      profile: 'dev',
      quiet: true,
      summaryFile: 's.md',
      color: false,
      inputs: {}
    })
  })

  it('takes render targets as ecspresso does', () => {
    expect(parseArgs(['render', 'taskdef']).renderTargets).toEqual(['taskdef'])
    expect(usage(['render', 'taskdefs'])).toBe(
      "render takes taskdef, servicedef, not 'taskdefs': did you mean 'taskdef'?"
    )
  })

  it('refuses an unknown flag with the nearest valid one', () => {
    expect(usage(['deploy', '--dryrun'])).toBe('unknown flag --dryrun: did you mean --dry-run? (see --help)')
    expect(usage(['deploy', '--imagetag=v1'])).toBe(
      'unknown flag --imagetag: did you mean --image-tag? (see --help)'
    )
    expect(usage(['deploy', '--no-wiat'])).toBe(
      'unknown flag --no-wiat: did you mean --no-wait? (see --help)'
    )
    expect(usage(['deploy', '--frobnicate'])).toBe('unknown flag --frobnicate (see --help)')
  })

  it('refuses an unknown command, a missing value, a bad boolean and a value given twice', () => {
    expect(usage(['deplyo'])).toMatch(/^unknown command 'deplyo': did you mean 'deploy'\?/)
    expect(usage(['deploy', '--image-tag'])).toBe('--image-tag needs a value, e.g. --image-tag=VALUE')
    expect(usage(['deploy', '--dry-run=yes'])).toBe("--dry-run is true or false, not 'yes'")
    expect(usage(['deploy', '--image-tag', 'a', '--image-tag', 'b'])).toBe(
      "--image-tag is given twice ('a' and 'b')"
    )
    expect(usage(['deploy', 'extra'])).toBe("unexpected argument 'extra' after deploy: flags start with --")
  })

  it("has a flag for every action input, and reads as booleans exactly action.yml's true/false inputs", () => {
    const names = Object.keys(action.inputs).filter(name => name !== Input.Command)
    expect(names.filter(name => !flagNames().includes(name))).toEqual([])
    const booleans = names.filter(name => ['true', 'false'].includes(action.inputs[name]?.default ?? ''))
    expect([...BOOLEAN_INPUTS].sort()).toEqual(booleans.sort())
  })

  it("leaves every unset input at action.yml's default", () => {
    // What the runner passes when a workflow sets nothing, against what the CLI passes (nothing).
    const fromAction = parseInputs(name => {
      const value = action.inputs[name]?.default ?? ''
      return value.startsWith('${{') ? '' : value
    })
    const fromCli = parseInputs(name => parseArgs(['deploy']).inputs[name] ?? '')
    expect(fromCli).toEqual(fromAction)
  })

  it('--help lists every command and every flag', () => {
    const help = helpText()
    for (const command of [...Commands, 'diff']) expect(help).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    for (const name of Object.values(Input).filter(name => name !== Input.Command))
      expect(help).toContain(`--${name} `)
    for (const flag of ['--tasks', '--no-wait', '--endpoint', '--region', '--profile', '--quiet'])
      expect(help).toContain(flag)
    expect(cliCommands()).toContain('diff')
  })
})
