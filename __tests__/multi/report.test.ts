// What a person reads about several services: the worst status, the summary table, and one PR comment that
// fits GitHub's 65,536 characters however many services and however long their diffs.
import { describe, it } from '@jest/globals'
import type { DiffPlan } from '../../src/diff/plan.js'
import {
  multiCommentBody,
  multiSummary,
  resultsJson,
  worstStatus,
  type ServiceResult
} from '../../src/report/multi.js'
import { COMMENT_LIMIT } from '../../src/report/pr-comment.js'
import { expect } from '../helpers/expect.js'

const plan = (service: string, diffLines: number): DiffPlan => ({
  cluster: 'prod',
  service,
  config: `deploy/${service}/ecspresso.yml`,
  serviceExists: true,
  taskDefinition: {
    changed: diffLines > 0,
    containers: [{ name: 'app', imageBefore: `${service}:v1`, imageAfter: `${service}:v2` }]
  } as unknown as DiffPlan['taskDefinition'],
  serviceDefinition: undefined,
  hasChanges: diffLines > 0,
  diff: Array.from({ length: diffLines }, (_, i) => `+  "line-${i}": "${'x'.repeat(60)}"`).join('\n')
})

const result = (service: string, extra: Partial<ServiceResult> = {}): ServiceResult => ({
  config: `deploy/${service}/ecspresso.yml`,
  cluster: 'prod',
  service,
  status: 'succeeded',
  taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${service}:2`,
  previousTaskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${service}:1`,
  deploymentId: 'ecs-svc/1',
  hasChanges: true,
  durationMs: 61_000,
  cause: undefined,
  summary: `## ✅ Deployed ${service}\n\ndetails of ${service}`,
  ...extra
})

describe('the step over several services', () => {
  it('has the worst status of its services, by the documented order', () => {
    expect(worstStatus(['succeeded', 'skipped', 'succeeded'])).toBe('skipped')
    expect(worstStatus(['rolled-back', 'failed', 'timed-out'])).toBe('failed')
    expect(worstStatus(['succeeded', 'timed-out', 'rolled-back'])).toBe('timed-out')
    expect(worstStatus(['dry-run', 'dry-run'])).toBe('dry-run')
  })

  it('results: one object per service with the outputs a single deploy has', () => {
    expect(JSON.parse(resultsJson([result('web')]))).toEqual([
      {
        config: 'deploy/web/ecspresso.yml',
        cluster: 'prod',
        service: 'web',
        status: 'succeeded',
        'task-definition-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
        'previous-task-definition-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
        'deployment-id': 'ecs-svc/1',
        'has-changes': true
      }
    ])
  })

  it('summary: a table of all services, then each service under its own heading', () => {
    const text = multiSummary(
      [result('api'), result('web', { status: 'failed', cause: 'tasks failed | to start\nmore' })],
      'continue'
    )
    expect(text).toContain('| ✅ succeeded | `api` on `prod` | `api:1` → `api:2` | 1m1s |')
    // A cause is one line in its cell; a pipe in it cannot break the table.
    expect(text).toContain('tasks failed \\| to start |')
    expect(text).toContain('## `web` on `prod` (`deploy/web/ecspresso.yml`)\n\n### ✅ Deployed web')
  })

  it('comment: 20 services with long diffs fit one comment; every verdict at the top; cuts say so', () => {
    const results = Array.from({ length: 20 }, (_, i) =>
      result(`svc-${i}`, { status: 'dry-run', plan: plan(`svc-${i}`, i === 3 ? 0 : 400) })
    )
    const body = multiCommentBody(
      results,
      { cluster: '', service: '', config: 'deploy/*/ecspresso.yml' },
      {
        runUrl: 'https://github.com/o/r/actions/runs/1'
      }
    )
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    const lines = body.split('\n')
    const verdicts = lines
      .slice(
        0,
        lines.findIndex(l => l.startsWith('####'))
      )
      .filter(l => l.startsWith('- '))
    expect(verdicts).toHaveLength(20)
    for (let i = 0; i < 20; i++) expect(body).toContain(`#### \`svc-${i}\` on \`prod\``)
    expect(body).toContain('diff cut to fit one comment')
    expect(body).toContain('[the run](https://github.com/o/r/actions/runs/1)')
    // The unchanged service says so in its verdict and carries no diff.
    expect(verdicts[3]).toBe('- ⚪ `svc-3` on `prod`: no changes')
    expect(verdicts[0]).toBe('- 🟡 `svc-0` on `prod`: new task definition (1 container)')
  })
})
