import { describe, expect, it } from '@jest/globals'
import { trusts } from '../../src/verify/checks.js'
import { isMutableTag, mutableTagWarnings, parseImage } from '../../src/verify/image.js'

describe('parseImage', () => {
  it.each([
    ['nginx', 'registry-1.docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.27', 'registry-1.docker.io', 'library/nginx', '1.27', undefined],
    ['bitnami/redis:7', 'registry-1.docker.io', 'bitnami/redis', '7', undefined],
    ['ghcr.io/org/app:v1', 'ghcr.io', 'org/app', 'v1', undefined],
    ['localhost:5000/app', 'localhost:5000', 'app', undefined, undefined],
    [
      `app@sha256:${'a'.repeat(64)}`,
      'registry-1.docker.io',
      'library/app',
      undefined,
      `sha256:${'a'.repeat(64)}`
    ],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:v2@sha256:${'b'.repeat(64)}`,
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'team/web',
      'v2',
      `sha256:${'b'.repeat(64)}`
    ]
  ])('%s', (text, registry, repository, tag, digest) => {
    expect(parseImage(text)).toMatchObject({ registry, repository, tag, digest })
  })

  it('knows ECR hosts and their region', () => {
    expect(parseImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v1')?.ecr).toEqual({
      account: '123456789012',
      region: 'eu-west-1'
    })
    expect(parseImage('ghcr.io/org/app:v1')?.ecr).toBeUndefined()
  })

  it('refuses what is not a reference', () => {
    expect(parseImage('repo/Web:a:b')).toBeUndefined()
    expect(parseImage('')).toBeUndefined()
  })
})

describe('mutable tags', () => {
  it('no tag and latest move; a version tag or a digest does not', () => {
    expect(isMutableTag(parseImage('nginx')!)).toBe(true)
    expect(isMutableTag(parseImage('nginx:latest')!)).toBe(true)
    expect(isMutableTag(parseImage('nginx:1.27')!)).toBe(false)
    expect(isMutableTag(parseImage(`nginx:latest@sha256:${'c'.repeat(64)}`)!)).toBe(false)
  })

  it('warns once per such container', () => {
    const warnings = mutableTagWarnings({
      family: 'web',
      containerDefinitions: [
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'nginx:1.27' },
        { name: 'c', image: 'ghcr.io/org/app:latest' }
      ]
    })
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/^container a: image nginx has no tag/)
    expect(warnings[1]).toMatch(/^container c: image ghcr.io\/org\/app:latest has the tag latest/)
  })
})

describe('trusts', () => {
  const doc = (statement: unknown) =>
    encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statement }))
  it('reads the URL-encoded trust policy GetRole returns', () => {
    expect(
      trusts(
        doc([
          { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
        ]),
        'ecs-tasks.amazonaws.com'
      )
    ).toBe(true)
  })
  it('accepts a list of services and actions', () => {
    expect(
      trusts(
        doc({
          Effect: 'Allow',
          Principal: { Service: ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
          Action: ['sts:TagSession', 'sts:AssumeRole']
        }),
        'ecs-tasks.amazonaws.com'
      )
    ).toBe(true)
  })
  it('refuses another service, a Deny, or another action', () => {
    expect(
      trusts(
        doc([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
        'ecs-tasks.amazonaws.com'
      )
    ).toBe(false)
    expect(
      trusts(
        doc([
          { Effect: 'Deny', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
        ]),
        'ecs-tasks.amazonaws.com'
      )
    ).toBe(false)
    expect(
      trusts(
        doc([
          {
            Effect: 'Allow',
            Principal: { Service: 'ecs-tasks.amazonaws.com' },
            Action: 'sts:AssumeRoleWithWebIdentity'
          }
        ]),
        'ecs-tasks.amazonaws.com'
      )
    ).toBe(false)
    expect(trusts('not json', 'ecs-tasks.amazonaws.com')).toBe(false)
  })
})
