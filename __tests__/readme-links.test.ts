// README.md and docs/: every link to a section names a heading that exists (as GitHub makes the anchors), and
// every relative link names a file in the repository, so moving sections (docs/performance.md) breaks nothing.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from '@jest/globals'
import { repoRoot } from './helpers/run-action.js'
import { expect } from './helpers/expect.js'

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  const prose = markdown.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '')
  for (const m of prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

function links(markdown: string): string[] {
  const prose = markdown.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '')
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]!)
}

describe.each(['README.md', 'docs/performance.md', 'CHANGELOG.md'])('links in %s', file => {
  const path = join(repoRoot, file)
  const text = readFileSync(path, 'utf8')

  it('go to headings and files that exist', () => {
    const broken: string[] = []
    for (const link of links(text)) {
      if (/^[a-z]+:/i.test(link)) continue
      const [target, anchor] = link.split('#') as [string, string | undefined]
      const targetPath = target === '' ? path : join(dirname(path), target)
      if (!existsSync(targetPath)) {
        broken.push(`${link}: no file`)
        continue
      }
      if (anchor !== undefined && targetPath.endsWith('.md')) {
        if (!anchors(readFileSync(targetPath, 'utf8')).has(anchor)) broken.push(`${link}: no such heading`)
      }
    }
    expect(broken).toEqual([])
  })
})

describe('the anchor rule', () => {
  it('matches GitHub for the headings README links to', () => {
    const a = anchors('## IAM policy for `command: run`\n### Blue/green deploys\n## Usage\n## Usage\n')
    expect([...a]).toEqual(['iam-policy-for-command-run', 'bluegreen-deploys', 'usage', 'usage-1'])
  })
})
