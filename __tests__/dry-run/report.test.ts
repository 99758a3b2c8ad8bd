import { describe, expect, it } from '@jest/globals'
import type { DefinitionDiff, DiffPlan } from '../../src/diff/plan.js'
import { dryRunSummary, dryRunVerdict } from '../../src/report/dry-run.js'
import { byteLength, truncateBytes } from '../../src/report/markdown.js'

function td(overrides: Partial<DefinitionDiff> = {}): DefinitionDiff {
  return {
    kind: 'task-definition',
    from: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:41',
    to: 'ecs-task-def.json',
    live: { family: 'app' },
    local: { family: 'app' },
    changed: false,
    fields: [],
    containers: [],
    text: '',
    ...overrides
  }
}

function plan(overrides: Partial<DiffPlan> = {}): DiffPlan {
  return {
    cluster: 'prod',
    service: 'app',
    config: 'ecspresso.yml',
    serviceExists: true,
    taskDefinition: td(),
    serviceDefinition: { ...td(), kind: 'service' },
    hasChanges: false,
    diff: '',
    ...overrides
  }
}

const container = (name: string, change: 'added' | 'removed' | 'changed' | 'unchanged') => ({
  name,
  change,
  imageBefore: change === 'added' ? undefined : `${name}:1`,
  imageAfter: change === 'removed' ? undefined : `${name}:2`
})

describe('dryRunVerdict', () => {
  it('says what changed, task definition first', () => {
    expect(dryRunVerdict(plan())).toBe('app: no changes')
    expect(
      dryRunVerdict(
        plan({
          hasChanges: true,
          taskDefinition: td({
            changed: true,
            containers: [container('web', 'changed'), container('worker', 'changed')]
          })
        })
      )
    ).toBe('app: task definition changes in 2 containers; service unchanged')
    expect(
      dryRunVerdict(
        plan({
          hasChanges: true,
          taskDefinition: td({
            changed: true,
            fields: ['cpu', 'memory'],
            containers: [container('web', 'changed'), container('new', 'added'), container('old', 'removed')]
          }),
          serviceDefinition: { ...td({ changed: true, fields: ['desiredCount'] }), kind: 'service' }
        })
      )
    ).toBe(
      'app: task definition changes in cpu, memory, 1 container, 1 added container and 1 removed container; service changes in desiredCount'
    )
  })

  it('names a new service and a new task definition', () => {
    expect(
      dryRunVerdict(
        plan({
          hasChanges: true,
          serviceExists: false,
          taskDefinition: td({ live: undefined, changed: true, containers: [container('web', 'added')] })
        })
      )
    ).toBe('app: new service; new task definition (1 container)')
  })
})

describe('dryRunSummary', () => {
  it('cuts a diff that would pass the summary limit, saying where the full one is', () => {
    const diff = `--- a\n+++ b\n${Array.from({ length: 5000 }, (_, i) => `+line ${i} ✓`).join('\n')}\n`
    const summary = dryRunSummary(
      plan({ hasChanges: true, diff, taskDefinition: td({ changed: true }) }),
      20_000
    )
    expect(byteLength(summary)).toBeLessThanOrEqual(20_000)
    expect(summary).toContain('the full diff is in the step log and the `diff` output')
    expect(summary).toContain('+line 0 ✓')
    expect(summary).not.toContain('+line 4999')
    expect(summary.trimEnd().endsWith('</details>')).toBe(true)
  })

  it('escapes HTML in names', () => {
    expect(dryRunSummary(plan({ service: '<b>app</b>' }))).toContain('**&lt;b&gt;app&lt;/b&gt;: no changes**')
  })
})

describe('truncateBytes', () => {
  it('counts UTF-8 bytes and cuts at a line boundary', () => {
    const text = Array.from({ length: 100 }, () => 'ééééé').join('\n')
    const cut = truncateBytes(text, 100, '…')
    expect(cut.truncated).toBe(true)
    expect(byteLength(cut.text)).toBeLessThanOrEqual(100)
    expect(
      cut.text
        .split('\n')
        .slice(0, -1)
        .every(line => line === 'ééééé')
    ).toBe(true)
    expect(truncateBytes('short', 100, '…')).toEqual({ text: 'short', truncated: false })
  })
})
