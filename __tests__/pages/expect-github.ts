// What a page of the action's Markdown must look like once Chromium drew it, as GitHub shows it: every chart
// drawn, as many tables and the same headings as the source has, no Markdown or workflow command left as text,
// no console error, nothing fetched but the page's own files.
import type { Looked } from './browser.js'
import { expect } from '../helpers/expect.js'

/** What a reader of the Markdown expects to see drawn, counted from its source without a Markdown parser. */
function expected(markdown: string): { charts: number; tables: number; headings: string[] } {
  let fence: string | undefined
  let charts = 0
  let tables = 0
  const headings: string[] = []
  for (const line of markdown.split('\n')) {
    const open = /^(`{3,})(\w*)/.exec(line)
    if (fence !== undefined) {
      if (line.trim() === fence) fence = undefined
    } else if (open) {
      fence = open[1]
      if (open[2] === 'mermaid') charts++
    } else if (/^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(line)) tables++
    else {
      const heading = /^#{1,6} (.*)$/.exec(line)
      if (heading) headings.push(heading[1]!)
    }
  }
  return { charts, tables, headings }
}

/** Everything that shows Markdown or a workflow command left as text. */
const RAW = [
  /\|\s*:?-{3,}/,
  /\*\*/,
  /```/,
  /::(group|endgroup|error|warning|notice)::/,
  /<\/?(details|summary|br|b|code|sub)\b/,
  /<!--/
]

export function expectRenderedLikeGithub(markdown: string, seen: Looked): void {
  const wanted = expected(markdown)
  expect(seen.charts).toHaveLength(wanted.charts)
  for (const chart of seen.charts) {
    expect(chart).toMatchObject({ svg: true, error: false })
    expect(chart.kind).not.toBe('error')
    expect(chart.shapes).toBeGreaterThan(10)
  }
  expect(seen.tables).toBe(wanted.tables)
  // A heading's text less its Markdown (code spans, emphasis, escapes) is what the browser shows.
  const plain = (text: string) => text.replace(/[`*]/g, '').replace(/\\(.)/g, '$1').trim()
  expect(seen.headings.map(plain)).toEqual(wanted.headings.map(plain))
  for (const pattern of RAW) {
    expect(seen.allText).not.toMatch(pattern)
  }
  expect(seen.consoleErrors).toEqual([])
  expect(seen.requests.filter(url => !url.startsWith('file://'))).toEqual([])
}
