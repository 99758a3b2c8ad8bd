import { describe, expect, it } from '@jest/globals'
import {
  failureCause,
  groupStoppedTasks,
  reasonWithCause,
  type StoppedTask
} from '../../src/ecs/diagnostics.js'
import { causeSection, stoppedTasksMarkdown } from '../../src/report/causes.js'

const PULL =
  'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref registry.example.com/web:v2: not found'

function task(
  n: number,
  reason: string,
  container: Partial<StoppedTask['containers'][number]> = {}
): StoppedTask {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${String(n).padStart(32, '0')}`,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
    stoppedAt: new Date(Date.UTC(2026, 11, 1, 12, 0, n)),
    stopCode: reason.startsWith('Cannot') ? 'TaskFailedToStart' : 'EssentialContainerExited',
    stoppedReason: reason,
    containers: [{ name: 'app', exitCode: undefined, reason, lastStatus: 'STOPPED', ...container }]
  }
}

const tasks = [
  ...Array.from({ length: 21 }, (_, i) => task(i + 1, PULL)),
  task(30, 'Essential container in task exited', {
    exitCode: 137,
    reason: 'OutOfMemoryError: Container killed due to memory usage'
  }),
  task(31, 'Essential container in task exited', {
    exitCode: 137,
    reason: 'OutOfMemoryError: Container killed due to memory usage'
  })
]

describe('stopped tasks grouped by reason', () => {
  it('groups identical reasons with a count, the most frequent first', () => {
    const groups = groupStoppedTasks(tasks)
    expect(groups.map(g => [g.count, g.reason])).toEqual([
      [21, PULL],
      [
        2,
        'Essential container in task exited (app: exit 137, OutOfMemoryError: Container killed due to memory usage)'
      ]
    ])
    expect(groups[0]!.tasks[0]!.taskArn).toMatch(/0021$/) // newest first
  })

  it('says the cause in one line, counting the other reasons', () => {
    expect(failureCause(tasks, [])?.text).toBe(`21 tasks stopped: ${PULL} (and 2 more for 1 other reason)`)
    expect(failureCause(tasks.slice(0, 1), [])?.text).toBe(`1 task stopped: ${PULL}`)
  })

  it('leaves tasks stopped on purpose (scaled in, stopped by a user) out of the cause', () => {
    const scaledIn = Array.from({ length: 5 }, (_, i) => ({
      ...task(40 + i, 'Scaling activity initiated by (deployment ecs-svc/123)', {
        exitCode: 0,
        reason: undefined
      }),
      stopCode: 'ServiceSchedulerInitiated'
    }))
    expect(failureCause([...scaledIn, ...tasks.slice(0, 2)], [])?.text).toBe(`2 tasks stopped: ${PULL}`)
    expect(failureCause(scaledIn, [])).toBeUndefined()
  })

  it('without stopped tasks, names the newest service event that says what is wrong', () => {
    const events = [
      { id: '1', createdAt: new Date(1000), message: '(service web) has started 2 tasks.' },
      {
        id: '2',
        createdAt: new Date(2000),
        message:
          '(service web) was unable to place a task because no container instance met all of its requirements.'
      },
      { id: '3', createdAt: new Date(3000), message: '(service web) has started 1 tasks.' }
    ]
    expect(failureCause([], events)).toEqual({ text: events[1]!.message, source: 'service-event' })
    expect(failureCause([], [events[0]!])).toBeUndefined()
  })

  it('formats one cause line and a grouped table, the long message once per reason', async () => {
    expect(causeSection('timed-out', { stoppedTasks: tasks, events: [] })).toEqual([
      `**Cause:** 21 tasks stopped: ${PULL} (and 2 more for 1 other reason)`
    ])
    expect(causeSection('succeeded', { stoppedTasks: tasks, events: [] })).toEqual([])
    const markdown = stoppedTasksMarkdown(tasks)
    expect(markdown.split(PULL).length - 1).toBe(1)
    await expect(markdown).toMatchFileSnapshot('__snapshots__/stopped-tasks.md')
  })
})

describe('a reason with its cause', () => {
  it("joins ECS's sentence and the cause as one clause, without '.;'", () => {
    const line = reasonWithCause(
      'ECS deployment circuit breaker: tasks failed to start.',
      tasks.slice(0, 3),
      []
    )
    expect(line).toBe(
      `ECS deployment circuit breaker: tasks failed to start; cause: 3 tasks stopped: ${PULL}`
    )
  })
})
