/** The sink's terminal mode (the CLI): the same redaction, plain lines, no workflow commands. */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import * as sink from '../../src/report/sink.js'

function collect() {
  const seen: string[] = []
  const writer: sink.TerminalWriter = {
    info: text => void seen.push(`info ${text}`),
    warning: (text, where) => void seen.push(`warning ${where?.file ?? ''}:${where?.line ?? ''} ${text}`),
    debug: text => void seen.push(`debug ${text}`),
    heading: title => void seen.push(`heading ${title}`),
    summary: markdown => void seen.push(`summary ${markdown}`),
    output: (name, value) => void seen.push(`output ${name}=${value}`),
    error: text => void seen.push(`error ${text}`)
  }
  sink.useTerminal(writer)
  return seen
}

describe('the sink in terminal mode', () => {
  const write = jest.spyOn(process.stdout, 'write')
  afterEach(() => {
    sink.useTerminal(undefined)
    process.exitCode = undefined
    write.mockClear()
  })

  it('sends everything to the terminal writer, secrets replaced, nothing to stdout as workflow commands', async () => {
    const seen = collect()
    sink.secrets.add('terminal-secret-value', 'a test')
    sink.info('::group::token terminal-secret-value')
    sink.warning('near terminal-secret-value', { file: 'ecspresso.yml', line: 3 })
    await sink.group('Waiting', () => Promise.resolve(sink.info('inside')))
    sink.setOutput('diff', 'x terminal-secret-value')
    await expect(sink.writeSummary('## Done terminal-secret-value')).resolves.toBe(true)
    sink.fail('broke terminal-secret-value', 3)
    expect(seen).toEqual([
      // Not wrapped in ::stop-commands:: either: a terminal runs no commands.
      'info ::group::token •••',
      'warning ecspresso.yml:3 near •••',
      'heading Waiting',
      'info inside',
      'output diff=x •••',
      'summary ## Done •••',
      'error broke •••'
    ])
    expect(process.exitCode).toBe(3)
    // No ::add-mask::, ::warning::, ::group:: or ::error:: reached stdout.
    expect(write).not.toHaveBeenCalled()
  })

  it('fails with exit code 1 when no other is given', () => {
    collect()
    sink.fail('broke')
    expect(process.exitCode).toBe(1)
  })
})
