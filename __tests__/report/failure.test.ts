import { describe, it } from '@jest/globals'
import { ActionError, ActionErrors } from '../../src/errors.js'
import { commandAskedFor, failureAnnotations, failureSummary } from '../../src/report/failure.js'
import { workspacePath } from '../../src/report/sink.js'
import { expect } from '../helpers/expect.js'

describe('the summary of a step that stopped on an error', () => {
  it('names the command that failed, and says nothing was changed when no write happened', () => {
    expect(failureSummary('bad', true, { command: 'run', dryRun: false })).toMatch(/^## ❌ ECS run failed\n/)
    expect(failureSummary('bad', true, { command: 'deploy', dryRun: true })).toMatch(
      /^## ❌ ECS dry run failed/
    )
    expect(failureSummary('bad', false, { command: 'deploy', dryRun: false })).toMatch(
      /^## ❌ ECS deploy failed/
    )
    expect(failureSummary('bad', true)).toMatch(/^## ❌ ecs-deploy-action failed/)
    expect(failureSummary('bad', true)).toContain('Nothing was changed in AWS')
    expect(failureSummary('bad', false)).not.toContain('Nothing was changed')
  })

  it('names the command asked for when another input did not parse (a render is not a "deploy")', () => {
    expect(commandAskedFor({ INPUT_COMMAND: 'render' })).toEqual({ command: 'render', dryRun: false })
    expect(commandAskedFor({ INPUT_COMMAND: ' diff ' })).toEqual({ command: 'deploy', dryRun: true })
    expect(commandAskedFor({ 'INPUT_DRY-RUN': 'true' })).toEqual({ command: 'deploy', dryRun: true })
    expect(commandAskedFor({ INPUT_COMMAND: 'deplyo' })).toBeUndefined()
    expect(failureSummary('bad', true, commandAskedFor({ INPUT_COMMAND: 'render' }))).toMatch(
      /^## ❌ ECS render failed/
    )
  })
})

describe('the failure as annotations', () => {
  const at = (line: number) => ({ file: 'deploy/td.json', line, column: 3 })

  it('one annotation per located problem, each with its file, line and column, titled by the command', () => {
    const error = new ActionErrors([
      new ActionError('first', { where: at(4) }),
      new ActionErrors([new ActionError('second', { where: at(9), hint: 'fix it' })]),
      new ActionError('bad input', { where: { input: 'images' } })
    ])
    expect(failureAnnotations(error, { command: 'render', dryRun: false })).toEqual([
      { message: 'deploy/td.json:4:3: first', where: { title: 'ECS render failed', ...at(4) } },
      {
        message: 'deploy/td.json:9:3: second\n  hint: fix it',
        where: { title: 'ECS render failed', ...at(9) }
      },
      { message: "input 'images': bad input", where: { title: 'ECS render failed' } }
    ])
  })

  it('errors that name no file stay one annotation with the whole text', () => {
    const error = new ActionErrors([
      new ActionError('a', { where: { input: 'wait' } }),
      new ActionError('b', { where: { input: 'timeout' } })
    ])
    expect(failureAnnotations(error, undefined)).toEqual([
      { message: error.describe(), where: { title: 'ecs-deploy-action failed' } }
    ])
    expect(failureAnnotations(new Error('boom'), undefined)).toHaveLength(1)
  })

  it('paths are made relative to the workspace; a file outside it is not marked', () => {
    expect(workspacePath('td.json', '/w/repo', '/w/repo/deploy')).toBe('deploy/td.json')
    expect(workspacePath('/w/repo/deploy/td.json', '/w/repo', '/elsewhere')).toBe('deploy/td.json')
    expect(workspacePath('deploy/td.json', undefined, '/w/repo')).toBe('deploy/td.json')
    expect(workspacePath('../other/td.json', '/w/repo', '/w/repo')).toBeUndefined()
    expect(workspacePath('..td.json', '/w/repo', '/w/repo')).toBe('..td.json')
  })
})
