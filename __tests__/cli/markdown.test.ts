import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { colorStyle, displayWidth, markdownToTerminal } from '../../src/cli/markdown.js'
import { timelineChart } from '../../src/report/deploy.js'
import { repoRoot } from '../helpers/run-action.js'
import { rawMarkdown } from './helpers.js'

/** The column at which `word` starts on each line that holds it (by default: the second column). */
function columnsOf(text: string, lineStart: RegExp, word?: RegExp): number[] {
  return text
    .split('\n')
    .filter(line => lineStart.test(line))
    .map(line =>
      displayWidth(word ? line.slice(0, line.search(word)) : (/^(.+?) {2,}/.exec(line)?.[0] ?? ''))
    )
}

const snapshot = (path: string) => readFileSync(join(repoRoot, '__tests__', path), 'utf8')

describe('Markdown as terminal text', () => {
  it('renders a real blue/green failure summary: heading, aligned tables, details open, code indented', () => {
    const text = markdownToTerminal(snapshot('codedeploy/__snapshots__/summary-hook-failure.md'))
    expect(rawMarkdown(text)).toEqual([])
    expect(text).toContain('↩️ Blue/green deployment rolled back: web\n─────')
    // A key/value table (empty header) has no header line; its values line up.
    expect(text).toMatch(/^Service {12}web on prod$/m)
    expect(new Set(columnsOf(text, /^(Service|CodeDeploy|Previous|Duration) /)).size).toBe(1)
    // A table with a header is underlined and its columns line up.
    expect(text).toMatch(/^Event {18}Status {5}Hook {12}Took\n─{21} {2}─{9}/m)
    expect(
      new Set(columnsOf(text, /^(BeforeInstall|AfterAllowTraffic|AllowTraffic) /, /Succeeded|Failed/)).size
    ).toBe(1)
    // Links keep their address: as text (url), and in tables as a footnote.
    expect(text).toMatch(/^Deployment {9}d-9AXV9J8I8 \[1\]$/m)
    expect(text).toContain(
      '[1] https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-9AXV9J8I8?region=us-east-1'
    )
    expect(text).toContain('▸ Timeline (lifecycle events, traffic shift, task sets)')
    expect(text).toContain('    version: "0.0"\n    Resources:')
    expect(text).toContain('│ CodeDeploy deployment d-9AXV9J8I8 rolled-back')
    expect(text).toMatch(/^• 2025-01-01T00:00:03.000Z \(service web/m)
  })

  it('renders a real stopped-tasks diagnosis with its per-task details', () => {
    const text = markdownToTerminal(snapshot('ecs/__snapshots__/stopped-tasks.md'))
    expect(rawMarkdown(text)).toEqual([])
    expect(text).toMatch(/^# {2}Tasks {2}Why they stopped/m)
    expect(text).toMatch(/^1 {2}21 {5}CannotPullContainerError/m)
    expect(text).toContain('▸ Each stopped task (23)')
  })

  it('renders a dry run with its diff, and entities and comments as text', () => {
    const markdown = [
      '<!-- ecs-deploy-action: {"service":"app"} -->',
      '### ECS dry run: `app` on `prod`',
      '',
      '**app: task definition changes** in `web` &amp; `log` &lt;2&gt;',
      '',
      '<details open><summary>Diff (3 lines)</summary>',
      '',
      '```diff',
      '-      "image": "web:v1",',
      '+      "image": "web:v2",',
      '```',
      '',
      '</details>',
      '',
      '1. first',
      '2. second',
      '   - nested',
      '',
      '<sub>Planned for [`0123456`](https://github.com/acme/shop/commit/0123456) · [run](https://github.com/acme/shop/actions/runs/1).</sub>'
    ].join('\n')
    const text = markdownToTerminal(markdown)
    expect(rawMarkdown(text)).toEqual([])
    expect(text).toBe(
      [
        'ECS dry run: app on prod',
        '',
        'app: task definition changes in web & log <2>',
        '',
        '▸ Diff (3 lines)',
        '',
        '    -      "image": "web:v1",',
        '    +      "image": "web:v2",',
        '',
        '1. first',
        '2. second',
        '   • nested',
        '',
        'Planned for 0123456 (https://github.com/acme/shop/commit/0123456) · run (https://github.com/acme/shop/actions/runs/1).',
        ''
      ].join('\n')
    )
  })

  it("draws the deploy summary's Mermaid chart as sparklines, any other diagram as a note", () => {
    const at = (s: number, newer: number, older: number) => ({
      at: s * 1000,
      deployments: [
        { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2', running: newer },
        { taskDefinition: 'web:1', running: older }
      ]
    })
    const chart = timelineChart(
      [at(0, 0, 2), at(30, 1, 2), at(60, 2, 1), at(90, 2, 0)] as never,
      'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2'
    )!
    const text = markdownToTerminal(chart)
    expect(text).not.toContain('xychart')
    expect(text).toContain('  web:2 (new)  ▁▅██  0 → 2\n  previous     ██▅▁  2 → 0\n')
    expect(text).toContain('from 0s to 1m30s; the highest bar is 2')
    expect(markdownToTerminal('```mermaid\nflowchart LR\n  a --> b\n```')).toBe(
      '[flowchart diagram; drawn on GitHub]\n'
    )
  })

  it('colours only when asked: bold headings, green and red diff lines', () => {
    const text = markdownToTerminal('## Hi\n\n```diff\n+a\n-b\n```', colorStyle)
    expect(text).toContain('\x1b[1mHi\x1b[22m')
    expect(text).toContain('\x1b[32m+a\x1b[39m')
    expect(text).toContain('\x1b[31m-b\x1b[39m')
    expect(markdownToTerminal('## Hi')).not.toContain('\x1b[')
  })

  it('counts wide characters as two columns, so emoji cells stay aligned', () => {
    expect(displayWidth('✅ ok')).toBe(5)
    expect(displayWidth('\x1b[1mab\x1b[22m')).toBe(2)
    const text = markdownToTerminal('| a | b |\n| --- | --- |\n| ✅ | x |\n| no | y |')
    expect(columnsOf(text, /^(✅|no) /, /[xy]$/)).toEqual([4, 4])
  })
})
