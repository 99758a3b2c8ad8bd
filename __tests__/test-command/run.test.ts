// runTestCommand in-process: a real bash through @actions/exec, its exit code, its tail, its process group.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { systemClock } from '../../src/clock.js'
import type { CommandContext } from '../../src/commands/types.js'
import { MAX_LINE, runTestCommand, TAIL_LINES } from '../../src/deploy/test-command.js'
import { actionsLogger, memoryLogger, type Logger } from '../../src/log.js'
import { secrets } from '../../src/report/sink.js'
import { defaultInputs } from '../helpers/inputs.js'
import { forgedCommands, readRunnerLog } from '../helpers/runner-log.js'

function context(log: Logger, options: { signal?: AbortSignal; env?: Record<string, string> } = {}) {
  return {
    inputs: defaultInputs,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    log,
    clock: systemClock,
    signal: options.signal
  } as unknown as CommandContext
}

const run = (command: string, log: Logger = memoryLogger(), extra: Parameters<typeof context>[1] = {}) =>
  runTestCommand(context(log, extra), { command, env: { ECS_DEPLOY_SERVICE: 'web' }, timeoutMs: 20_000 })

/** True while the process runs: a zombie init has not reaped yet counts as gone (signal 0 still reaches it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return true
  }
}

afterEach(() => {
  jest.restoreAllMocks()
})

describe('runTestCommand', () => {
  it('reports the exit code, prints stdout and stderr in one group, and hands the command its env', async () => {
    const log = memoryLogger()
    const result = await run('echo "service=$ECS_DEPLOY_SERVICE"; echo oops >&2; exit 3', log)
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false })
    expect(result.tail).toEqual(expect.arrayContaining(['service=web', 'oops']))
    expect(log.lines[0]).toBe('[group] test-command')
    expect(log.lines.slice(1).sort()).toEqual(['oops', 'service=web'])
  })

  it('runs under bash -e -o pipefail: a failing pipeline stage ends the script', async () => {
    const result = await run('false | true; echo reached')
    expect(result.exitCode).toBe(1)
    expect(result.tail).toEqual([])
  })

  it('no bash on PATH: exit code 127 and a line saying so, without hanging', async () => {
    const result = await runTestCommand(context(memoryLogger(), { env: { PATH: '/nonexistent' } }), {
      command: 'true',
      env: {},
      timeoutMs: 20_000
    })
    expect(result).toMatchObject({ exitCode: 127, timedOut: false })
    expect(result.tail.join('\n')).toMatch(/bash could not start: .*ENOENT/)
  })

  it("withholds the action's inputs and the runner's file commands from the command", async () => {
    const result = await runTestCommand(
      context(memoryLogger(), {
        env: {
          'INPUT_GITHUB-TOKEN': 'ghs_secret',
          GITHUB_OUTPUT: '/nowhere/output',
          GITHUB_STEP_SUMMARY: '/nowhere/summary',
          GITHUB_ENV: '/nowhere/env',
          GITHUB_SHA: 'abc'
        }
      }),
      { command: 'env | sort', env: {}, timeoutMs: 20_000 }
    )
    expect(result.exitCode).toBe(0)
    expect(result.tail).toContain('GITHUB_SHA=abc')
    expect(result.tail.filter(l => /^(INPUT_|GITHUB_OUTPUT|GITHUB_STEP_SUMMARY|GITHUB_ENV)/.test(l))).toEqual(
      []
    )
  })

  it(`keeps only the last ${TAIL_LINES} lines, and cuts a line with no end into ${MAX_LINE}-character pieces`, async () => {
    let lines = 0
    let longest = 0
    const counting: Logger = {
      ...memoryLogger(),
      info: line => {
        lines++
        longest = Math.max(longest, line.length)
      }
    }
    // 20 MB without a newline, then 100,000 numbered lines.
    const result = await run("head -c 20000000 /dev/zero | tr '\\0' x; echo; seq 1 100000", counting)
    expect(result.exitCode).toBe(0)
    expect(result.tail).toHaveLength(TAIL_LINES)
    expect(result.tail.at(-1)).toBe('100000')
    expect(result.tail[0]).toBe(String(100_000 - TAIL_LINES + 1))
    expect(longest).toBe(MAX_LINE)
    expect(lines).toBe(Math.ceil(20_000_000 / MAX_LINE) + 100_000)
  })

  it('cannot forge workflow commands and never prints a secret', async () => {
    const secret = 'hunter2-test-command-secret'
    secrets.add(secret, 'a test')
    let stdout = ''
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString()
      return true
    })
    const result = await runTestCommand(context(actionsLogger), {
      command: `echo '::set-output name=FORGED::1'; echo '::error::FORGED'; echo '  ##[warning]FORGED'; echo "token ${secret}"; echo '::add-mask::FORGED'`,
      env: {},
      timeoutMs: 20_000
    })
    jest.restoreAllMocks()
    expect(result.exitCode).toBe(0)
    const log = readRunnerLog(stdout)
    expect(forgedCommands(log, 'FORGED')).toEqual([])
    expect(stdout).not.toContain(secret)
    expect(log.shown).toEqual(expect.arrayContaining(['::error::FORGED', 'token •••']))
    expect(log.commands.map(c => c.name)).toEqual(expect.arrayContaining(['group', 'endgroup']))
  })

  it('a timeout ends the shell and what it started, and reports timedOut without an exit code', async () => {
    const pids: number[] = []
    const log: Logger = { ...memoryLogger(), info: line => void pids.push(Number(line)) }
    const result = await runTestCommand(context(log), {
      command: 'sleep 60 & echo $!; echo $$; sleep 60',
      env: {},
      timeoutMs: 500
    })
    expect(result).toMatchObject({ exitCode: undefined, timedOut: true, cancelled: false })
    expect(pids).toHaveLength(2)
    for (const pid of pids) expect(alive(pid)).toBe(false)
  })

  it('a command that ignores SIGTERM is killed after the grace period', async () => {
    const pids: number[] = []
    const log: Logger = { ...memoryLogger(), info: line => void pids.push(Number(line)) }
    const result = await runTestCommand(
      context(log),
      { command: "trap '' TERM; echo $$; sleep 60; sleep 60", env: {}, timeoutMs: 300 },
      { killGraceMs: 300 }
    )
    expect(result.timedOut).toBe(true)
    expect(pids.every(pid => !alive(pid))).toBe(true)
  })

  it('cancellation (the step signal aborts) ends the process group and reports cancelled', async () => {
    const controller = new AbortController()
    const pids: number[] = []
    const log: Logger = {
      ...memoryLogger(),
      info: line => {
        pids.push(Number(line))
        if (pids.length === 2) controller.abort('SIGINT')
      }
    }
    const result = await runTestCommand(context(log, { signal: controller.signal }), {
      command: 'sleep 60 & echo $!; echo $$; sleep 60',
      env: {},
      timeoutMs: 60_000
    })
    expect(result).toMatchObject({ exitCode: undefined, timedOut: false, cancelled: true })
    expect(result.durationMs).toBeLessThan(60_000)
    for (const pid of pids) expect(alive(pid)).toBe(false)
  })

  it('does not start at all when the step is already cancelled', async () => {
    const controller = new AbortController()
    controller.abort('SIGTERM')
    const log = memoryLogger()
    const result = await run('echo started', log, { signal: controller.signal })
    expect(result).toMatchObject({ exitCode: undefined, cancelled: true, tail: [] })
    expect(log.lines).toEqual([])
  })
})
