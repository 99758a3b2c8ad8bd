import { describe, expect, it } from '@jest/globals'
import { ActionErrors } from '../src/errors.js'
import { parseInputs } from '../src/inputs.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

function problems(values: Record<string, string>): string {
  try {
    parseInputs(reader(values))
  } catch (error) {
    if (error instanceof ActionErrors) return error.describe()
    throw error
  }
  throw new Error('expected the inputs to be rejected')
}

describe('parseInputs', () => {
  it('gives the defaults for unset inputs, undefined for unset optional ones', () => {
    const inputs = parseInputs(reader({}))
    expect(inputs).toMatchObject({
      config: 'ecspresso.yml',
      command: 'deploy',
      imageTag: undefined,
      images: [],
      dryRun: false,
      rollbackEvents: [],
      wait: true,
      timeoutMs: undefined,
      redact: true,
      prComment: 'auto',
      waitUntil: 'succeeded',
      codedeployInProgress: 'fail'
    })
  })

  it('parses images lines, rollback events and durations', () => {
    const inputs = parseInputs(
      reader({
        images: 'app=repo/app:1\n\n  # the sidecar\nlog-router = repo/fluent-bit:2.1\n',
        'rollback-events': 'DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM',
        timeout: '1h30m',
        'image-tag': ' v1.2.3 '
      })
    )
    expect(inputs.images).toEqual([
      { container: 'app', image: 'repo/app:1' },
      { container: 'log-router', image: 'repo/fluent-bit:2.1' }
    ])
    expect(inputs.rollbackEvents).toEqual(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'])
    expect(inputs.timeoutMs).toBe(90 * 60_000)
    expect(inputs.imageTag).toBe('v1.2.3')
  })

  it('reports every bad input at once, each naming its input', () => {
    const text = problems({
      command: 'deplyo',
      'dry-run': 'yes',
      'rollback-events': 'DEPLOYMENT_FAILURES',
      timeout: 'soon',
      images: 'just-an-image:latest'
    })
    expect(text).toMatch(/^5 problems found:/)
    expect(text).toContain("input 'command': 'deplyo' is not one of 'deploy', 'render'")
    expect(text).toContain("did you mean 'deploy'?")
    expect(text).toContain("input 'dry-run': 'yes' is not a boolean")
    expect(text).toContain("input 'rollback-events': 'DEPLOYMENT_FAILURES' is not a rollback event")
    expect(text).toContain("did you mean 'DEPLOYMENT_FAILURE'?")
    expect(text).toContain("input 'timeout': 'soon' is not a duration")
    expect(text).toContain("input 'images': line 1 'just-an-image:latest' is not CONTAINER=IMAGE")
  })

  it('rejects latest-task-definition without skip-task-definition', () => {
    expect(problems({ 'latest-task-definition': 'true' })).toContain(
      'only applies together with skip-task-definition'
    )
  })

  it('rejects a container named twice in images', () => {
    expect(problems({ images: 'app=a:1\napp=a:2' })).toContain("container 'app' is named twice")
  })
})
