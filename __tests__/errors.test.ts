import { describe, it } from '@jest/globals'
import { ActionError, describeError, errorStack, isDebugRun } from '../src/errors.js'
import { awsActionError, explainAwsError } from '../src/report/aws-errors.js'
import { knownFailure } from '../src/report/error-kinds.js'
import { expect } from './helpers/expect.js'

/** What the SDK's network layer throws for a host that does not resolve, after the retry middleware. */
function enotfound(): Error {
  const error = Object.assign(new Error('getaddrinfo ENOTFOUND ecs.example.invalid'), {
    code: 'ENOTFOUND',
    hostname: 'ecs.example.invalid',
    $metadata: { attempts: 3 },
    $operation: 'DescribeServices'
  })
  return error
}

describe('describeError', () => {
  it('says an unexpected error in one line, name and first message line, without its stack', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'x')\nmore detail")
    const text = describeError(error)
    expect(text.split('\n')[0]).toBe("TypeError: Cannot read properties of undefined (reading 'x')")
    expect(text).not.toMatch(/\n\s+at /)
    expect(text).toContain('ACTIONS_STEP_DEBUG')
    expect(errorStack(error)).toMatch(/\n\s+at /)
  })

  it('keeps an ActionError as it describes itself', () => {
    expect(describeError(new ActionError('bad', { hint: 'fix it' }))).toBe('bad\n  hint: fix it')
  })

  it('recognizes missing credentials and network failures, also wrapped as a cause', () => {
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError'
    })
    expect(knownFailure(credentials)?.kind).toBe('credentials')
    expect(knownFailure(new Error('wrapped', { cause: enotfound() }))?.kind).toBe('network')
    expect(knownFailure(new Error('AccessDenied'))).toBeUndefined()
    expect(describeError(enotfound())).toBe(
      'DescribeServices: cannot reach the AWS endpoint ecs.example.invalid (getaddrinfo ENOTFOUND ecs.example.invalid)\n' +
        '  hint: check the region (AWS_REGION or region in the config), any AWS_ENDPOINT_URL* variable, and that the runner can reach AWS (DNS, proxy, VPC endpoints)'
    )
  })

  it('an SDK error that is a network failure reads as one, with the network hint', () => {
    const info = explainAwsError(enotfound())
    expect(info.code).toBe('NetworkError')
    expect(info.hint).toContain('AWS_ENDPOINT_URL')
    expect(awsActionError(enotfound()).message).toBe(
      'DescribeServices: cannot reach the AWS endpoint ecs.example.invalid (getaddrinfo ENOTFOUND ecs.example.invalid)'
    )
  })

  it('debug logging is the runner debug flag or the ACTIONS_STEP_DEBUG secret', () => {
    expect(isDebugRun({ RUNNER_DEBUG: '1' })).toBe(true)
    expect(isDebugRun({ ACTIONS_STEP_DEBUG: 'true' })).toBe(true)
    expect(isDebugRun({})).toBe(false)
  })
})
