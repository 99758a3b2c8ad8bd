import { describe, expect, it } from '@jest/globals'
import { durationHint, parseDuration } from '../src/duration.js'
import { parseInputs } from '../src/inputs.js'
import { ActionErrors } from '../src/errors.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

function problem(values: Record<string, string>): string {
  try {
    parseInputs(reader(values))
  } catch (error) {
    if (error instanceof ActionErrors) return error.describe()
    throw error
  }
  throw new Error('expected the inputs to be rejected')
}

describe('timeouts are Go durations, with a unit', () => {
  it("reads what Go's time.ParseDuration reads", () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('10m')).toBe(600_000)
    expect(parseDuration('1h30m')).toBe(90 * 60_000)
    expect(parseDuration('10m0s')).toBe(600_000)
    expect(parseDuration('1.5h')).toBe(90 * 60_000)
    expect(parseDuration('.5m')).toBe(30_000)
    expect(parseDuration('1500ms')).toBe(1500)
    expect(parseDuration('2000000us')).toBe(2000)
    expect(parseDuration('0')).toBe(0)
  })

  it('a bare number is no duration: 600 could mean seconds or, to aws-actions users, minutes', () => {
    for (const text of ['600', '10', '1.5', '', 'm', '10 m', '10min', '1h-5m'])
      expect(parseDuration(text)).toBeUndefined()
  })

  it('timeout: 600 is an error with a hint naming both readings', () => {
    const text = problem({ timeout: '600' })
    expect(text).toContain("input 'timeout': '600' has no unit")
    expect(text).toContain('600s or 10m')
    const ten = problem({ timeout: '10' })
    expect(ten).toContain("'10' has no unit")
    expect(ten).toContain("aws-actions' wait-for-minutes: 10 is 10m")
    expect(durationHint('soon')).toBe('write it like 90s, 10m or 1h30m')
  })
})

describe('command: diff, the ecspresso habit', () => {
  it('is the dry run of a deploy', () => {
    const inputs = parseInputs(reader({ command: 'diff' }))
    expect(inputs.command).toBe('deploy')
    expect(inputs.dryRun).toBe(true)
    expect(parseInputs(reader({ command: 'diff', 'dry-run': 'true' })).dryRun).toBe(true)
  })

  it('with dry-run: false is a contradiction, said as one', () => {
    expect(problem({ command: 'diff', 'dry-run': 'false' })).toContain(
      "input 'dry-run': command: diff is a dry run, but dry-run is false"
    )
  })

  it('is among the commands a typo is matched against', () => {
    expect(problem({ command: 'dif' })).toContain("did you mean 'diff'?")
  })
})
