// writeGithubPage's Markdown as GitHub renders it, without a browser: GFM, and GitHub's sanitising of HTML.
import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { githubHtml, MERMAID_BUNDLE, writeGithubPage } from '../../scripts/demo/github-page.js'
import { expect } from '../helpers/expect.js'

describe('githubHtml', () => {
  it('renders GFM: tables with alignment, task lists, strikethrough, autolinks, <details>', async () => {
    const html = await githubHtml(
      [
        '| a | b |',
        '|---|:-:|',
        '| **x** | ~~y~~ |',
        '',
        '- [x] done',
        '- [ ] todo',
        '',
        'see https://github.com/octo-org/web',
        '',
        '<details><summary>More</summary>',
        '',
        '*inside*',
        '',
        '</details>'
      ].join('\n')
    )
    expect(html).toContain('<th align="center">b</th>')
    expect(html).toContain('<td><strong>x</strong></td>')
    expect(html).toContain('<del>y</del>')
    expect(html).toContain('<input type="checkbox" checked disabled> done')
    expect(html).toContain('<a href="https://github.com/octo-org/web">https://github.com/octo-org/web</a>')
    expect(html).toMatch(/<details><summary>More<\/summary>\s*<p><em>inside<\/em><\/p>\s*<\/details>/)
  })

  it('strips what GitHub strips: scripts, event handlers, styles, javascript: links; prefixes ids', async () => {
    const html = await githubHtml(
      '<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(1)"> <b style="color:red" id="top">b</b> <a href="javascript:alert(1)">link</a>\n\n<iframe src="https://example.com"></iframe>'
    )
    expect(html).not.toMatch(/script|onerror|style=|javascript:|iframe/)
    expect(html).toContain('<img src="x.png">')
    expect(html).toContain('<b id="user-content-top">b</b>')
    expect(html).toContain('<a>link</a>')
  })

  it('turns ```mermaid into a chart to draw and colours ```diff as GitHub does', async () => {
    const html = await githubHtml(
      '```mermaid\nxychart-beta\n  line [1, 2]\n```\n\n```diff\n-  "a": 1\n+  "a": 2\n```\n'
    )
    expect(html).toContain('<div class="mermaid">xychart-beta\n  line [1, 2]\n</div>')
    expect(html).toContain('<span class="pl-md">-  "a": 1\n</span><span class="pl-mi1">+  "a": 2\n</span>')
  })
})

describe('writeGithubPage', () => {
  it("writes a page with GitHub's CSS inlined, and mermaid's bundle beside it only when it has a chart", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'github-page-'))
    await writeGithubPage({ title: 'Plain <web>', markdown: '# Hi', file: join(dir, 'plain.html') })
    expect(await readdir(dir)).toEqual(['plain.html'])
    const plain = await readFile(join(dir, 'plain.html'), 'utf8')
    expect(plain).toContain('<title>Plain &lt;web&gt;</title>')
    expect(plain).toContain('.markdown-body')
    expect(plain).not.toMatch(/<link|src="http/)

    await writeGithubPage({
      title: 'c',
      markdown: '```mermaid\npie\n  "a": 1\n```',
      file: join(dir, 'sub', 'c.html')
    })
    expect(await readdir(join(dir, 'sub'))).toEqual(['c.html', MERMAID_BUNDLE].sort())
    expect(await readFile(join(dir, 'sub', 'c.html'), 'utf8')).toContain(`<script src="${MERMAID_BUNDLE}">`)
  })
})
