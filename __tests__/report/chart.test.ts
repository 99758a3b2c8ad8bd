import { describe, it } from '@jest/globals'
import type { TimelinePoint } from '../../src/ecs/watch.js'
import { timelineChart } from '../../src/report/deploy.js'
import { expect } from '../helpers/expect.js'

const NEW = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8'
const OLD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7'

function deployment(taskDefinition: string, running: number) {
  return {
    id: taskDefinition,
    status: 'ACTIVE',
    taskDefinition,
    desired: 2,
    pending: 0,
    running,
    failed: 0,
    rolloutState: undefined
  }
}

/** A rollout of two tasks, one point every `everyMs`. */
function rollout(everyMs: number): TimelinePoint[] {
  return [0, 1, 2].map(i => ({
    at: i * everyMs,
    deployments: [deployment(NEW, i), deployment(OLD, 2 - i)]
  }))
}

describe('the rollout chart', () => {
  it('has titled series (the legend) and a y axis Mermaid ticks in whole tasks', () => {
    const chart = timelineChart(rollout(45_000), NEW)!
    expect(chart).toContain('  line "web:8 (new)" [0, 1, 2]')
    expect(chart).toContain('  line "previous" [2, 1, 0]')
    expect(chart).toContain('title "Running tasks: web:8 (new) and the previous revisions"')
    // d3's ten nice ticks over 0..2 are 0.2 apart; over 0..8 they are whole numbers.
    expect(chart).toContain('  y-axis "running tasks" 0 --> 8')
    expect(chart).toContain('  x-axis "elapsed" ["0s", "45s", "1m30s"]')
  })

  it('keeps a larger service at its own count', () => {
    const points = rollout(45_000).map(p => ({
      ...p,
      deployments: p.deployments.map(d => ({ ...d, running: d.running * 10 }))
    }))
    expect(timelineChart(points, NEW)).toContain('y-axis "running tasks" 0 --> 20')
  })

  it('draws no chart for a rollout under a minute', () => {
    expect(timelineChart(rollout(29_000), NEW)).toBeUndefined()
    expect(timelineChart(rollout(30_000), NEW)).toBeDefined()
  })

  it("colours the new revision green and the rest grey, as Mermaid's first default colour barely shows on white", () => {
    const lines = timelineChart(rollout(45_000), NEW)!.split('\n')
    expect(lines[1]).toBe(
      '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f883d, #8c959f"}}}}%%'
    )
    expect(lines[2]).toBe('xychart-beta')
  })

  it('keeps at most 20 points, the last among them, so the x-axis labels do not overlap', () => {
    const points: TimelinePoint[] = Array.from({ length: 95 }, (_, i) => ({
      at: i * 10_000,
      deployments: [deployment(NEW, i % 3), deployment(OLD, 2)]
    }))
    const chart = timelineChart(points, NEW)!
    const labels = /x-axis "elapsed" \[(.*)\]/.exec(chart)![1]!.split(', ')
    expect(labels.length).toBeLessThanOrEqual(20)
    expect(labels.at(-1)).toBe('"15m40s"')
  })
})
