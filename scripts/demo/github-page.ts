// A job summary or PR comment as GitHub shows it, in one HTML page that opens offline from file://: GitHub
// Flavored Markdown, GitHub's sanitising of the HTML inside it (hast-util-sanitize's default schema is GitHub's),
// GitHub's Markdown CSS inlined, and ```mermaid blocks drawn by mermaid's bundle copied beside the page.
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Element, ElementContent, Root } from 'hast'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'

const require = createRequire(import.meta.url)
const cssFile = require.resolve('github-markdown-css/github-markdown.css')
const mermaidFile = join(dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js')
/** The name of mermaid's bundle beside each page that draws a chart. */
export const MERMAID_BUNDLE = 'mermaid.min.js'

/** Writes `markdown` as GitHub renders it to the HTML page `file` (and mermaid's bundle beside it if needed). */
export async function writeGithubPage(options: {
  title: string
  markdown: string
  file: string
}): Promise<void> {
  const body = await githubHtml(options.markdown)
  const charts = body.includes('class="mermaid"')
  await mkdir(dirname(options.file), { recursive: true })
  if (charts) await copyBundle(join(dirname(options.file), MERMAID_BUNDLE))
  const css = await readFile(cssFile, 'utf8')
  await writeFile(options.file, page(options.title, body, css, charts))
}

/** The Markdown as the HTML GitHub would put inside its `.markdown-body`. */
export async function githubHtml(markdown: string): Promise<string> {
  const file = await unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeSanitize, defaultSchema)
    .use(githubBlocks)
    .use(rehypeStringify)
    .process(markdown)
  return String(file)
}

/** What GitHub does after sanitising: ```mermaid becomes a chart, ```diff gets its colours. */
function githubBlocks() {
  const walk = (parent: Root | Element): void => {
    parent.children.forEach((node, index) => {
      if (node.type !== 'element') return
      const code = node.tagName === 'pre' ? node.children[0] : undefined
      if (code?.type !== 'element' || code.tagName !== 'code') return walk(node)
      const classes = Array.isArray(code.properties.className) ? code.properties.className : []
      const text = textOf(code)
      if (classes.includes('language-mermaid')) {
        parent.children[index] = element('div', { className: ['mermaid'] }, [{ type: 'text', value: text }])
      } else if (classes.includes('language-diff')) {
        parent.children[index] = element('div', { className: ['highlight', 'highlight-source-diff'] }, [
          element('pre', {}, diffLines(text))
        ])
      }
    })
  }
  return walk
}

/** GitHub's highlighting of a diff: added lines green, removed red, hunk headers purple. */
function diffLines(text: string): ElementContent[] {
  return text.split(/(?<=\n)/).map(line => {
    const className = line.startsWith('@@')
      ? 'pl-mdr'
      : line.startsWith('+')
        ? 'pl-mi1'
        : line.startsWith('-')
          ? 'pl-md'
          : undefined
    const value: ElementContent = { type: 'text', value: line }
    return className === undefined ? value : element('span', { className: [className] }, [value])
  })
}

function element(tagName: string, properties: Element['properties'], children: ElementContent[]): Element {
  return { type: 'element', tagName, properties, children }
}

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value
  return node.type === 'element' ? node.children.map(textOf).join('') : ''
}

/** Copies mermaid's bundle unless the same one is there already (the demo writes many pages to one folder). */
async function copyBundle(target: string): Promise<void> {
  const [source, existing] = await Promise.all([stat(mermaidFile), stat(target).catch(() => undefined)])
  if (existing?.size === source.size && existing.mtimeMs >= source.mtimeMs) return
  await copyFile(mermaidFile, target)
}

function page(title: string, body: string, css: string, charts: boolean): string {
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escaped}</title>
<style>
${css}
${FRAME_CSS}
</style>
</head>
<body>
<main class="frame">
<header class="frame-title">${escaped}</header>
<article class="markdown-body">
${body}
</article>
</main>
${charts ? `<script src="${MERMAID_BUNDLE}"></script>\n<script>${DRAW_CHARTS}</script>` : '<script>document.documentElement.dataset.charts = "done"</script>'}
</body>
</html>
`
}

/** The box GitHub draws a job summary or a comment in: a bordered card with its title above the Markdown. */
const FRAME_CSS = `
body { margin: 0; background: #f6f8fa; }
.frame { box-sizing: border-box; max-width: 1012px; margin: 24px auto; border: 1px solid #d1d9e0;
  border-radius: 6px; background: #ffffff; overflow: hidden; }
.frame-title { padding: 12px 16px; border-bottom: 1px solid #d1d9e0; background: #f6f8fa; color: #1f2328;
  font: 600 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.markdown-body { box-sizing: border-box; min-width: 200px; padding: 24px 32px; }
.markdown-body .mermaid { margin-bottom: 16px; text-align: center; }
.markdown-body .mermaid-error { color: #d1242f; text-align: left; }
@media (prefers-color-scheme: dark) {
  body, .frame-title { background: #010409; color: #f0f6fc; }
  .frame { background: #0d1117; border-color: #3d444d; }
  .frame-title { border-color: #3d444d; }
}
@media (max-width: 767px) { .markdown-body { padding: 15px; } }
`

// Draws each chart as GitHub does, or shows why it cannot (as GitHub's "Unable to render rich display"); the
// page says when it is done (html[data-charts]) so a browser test knows when to look.
const DRAW_CHARTS = `
(async () => {
  const dark = matchMedia('(prefers-color-scheme: dark)').matches
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' })
  const blocks = [...document.querySelectorAll('.markdown-body div.mermaid')]
  for (const [i, block] of blocks.entries()) {
    const source = block.textContent
    try {
      const { svg } = await mermaid.render('mermaid-chart-' + i, source)
      block.innerHTML = svg
    } catch (error) {
      console.error('mermaid chart ' + (i + 1) + ': ' + (error && error.message ? error.message : error))
      block.classList.add('mermaid-error')
      block.textContent = 'Unable to render rich display: ' + (error && error.message ? error.message : error)
    }
  }
  document.documentElement.dataset.charts = 'done'
})()
`
