// Headless Chromium (Debian's package) driven by playwright-core, and what a page that GitHub would show looks
// like once drawn: its charts, tables, headings and visible text, the console errors and the requests it made.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext } from 'playwright-core'

/** Debian's Chromium; PAGES_CHROMIUM names another (a missing one shows what CI does without it). */
export const CHROMIUM = process.env.PAGES_CHROMIUM ?? '/usr/bin/chromium'

/** The flags CI's Chromium runs with: no sandbox (root in a container), no GPU, nothing fetched behind our back. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** One browser, with a profile of its own (removed on close), for every page of a test file. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does, with apt-get)`)
  }
  const profile = await mkdtemp(join(tmpdir(), 'pages-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light'
  })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    }
  }
}

export interface Chart {
  /** The <svg> mermaid drew, if it did. */
  readonly svg: boolean
  /** Shapes in the drawing: lines, paths, rectangles, texts. */
  readonly shapes: number
  /** Mermaid's own error graphic or our "Unable to render" text. */
  readonly error: boolean
  /** The diagram's kind, as mermaid names it (`xychart`, `pie`, `error`). */
  readonly kind: string | undefined
  /** The series an xychart plots that have a drawn line or bar. */
  readonly series: number
}

export interface Looked {
  readonly charts: Chart[]
  readonly tables: number
  readonly headings: string[]
  /** The text a person sees (innerText: collapsed <details> bodies are not in it). */
  readonly visibleText: string
  /** Every element's text, open or collapsed. */
  readonly allText: string
  readonly consoleErrors: string[]
  readonly requests: string[]
}

/** Opens `file` in a new tab, waits for its charts, and reports what was drawn. */
export async function look(context: BrowserContext, file: string, screenshot?: string): Promise<Looked> {
  const page = await context.newPage()
  const consoleErrors: string[] = []
  const requests: string[] = []
  page.on('console', message => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', error => consoleErrors.push(error.message))
  page.on('request', request => requests.push(request.url()))
  try {
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('html[data-charts="done"]', { timeout: 20_000 })
    if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true })
    const drawn = await page.evaluate<Omit<Looked, 'consoleErrors' | 'requests'>>(DESCRIBE)
    return { ...drawn, consoleErrors, requests }
  } finally {
    await page.close()
  }
}

// Runs in the page (a string: this project type-checks without the DOM's types).
const DESCRIBE = `(() => {
  const body = document.querySelector('.markdown-body')
  return {
    charts: [...body.querySelectorAll('div.mermaid')].map(block => {
      const svg = block.querySelector('svg')
      const kind = svg === null ? undefined : (svg.getAttribute('aria-roledescription') ?? undefined)
      return {
        svg: svg !== null,
        shapes: svg === null ? 0 : svg.querySelectorAll('path, line, rect, text, polyline, circle').length,
        error: block.classList.contains('mermaid-error') || svg === null || kind === 'error' ||
          svg.querySelector('.error-icon') !== null,
        kind,
        series: svg === null ? 0 : [...svg.querySelectorAll('g.plot > g')]
          .filter(g => g.querySelector('path[d], rect') !== null).length
      }
    }),
    tables: body.querySelectorAll('table').length,
    headings: [...body.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => h.textContent),
    visibleText: body.innerText,
    allText: body.textContent
  }
})()`
