/**
 * GitHub-flavoured Markdown (what the action writes to job summaries and PR comments) as text for a
 * terminal: headings underlined, tables aligned, lists indented, code fences indented, <details> shown
 * open under their summary, links as `text (url)`, Mermaid xy charts as sparklines. markdown-it parses;
 * this walks its token stream.
 */
import markdownIt, { type Token } from 'markdown-it'

export interface TerminalStyle {
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
  readonly code: (text: string) => string
  readonly added: (text: string) => string
  readonly removed: (text: string) => string
}

const identity = (text: string): string => text
export const plainStyle: TerminalStyle = {
  bold: identity,
  dim: identity,
  code: identity,
  added: identity,
  removed: identity
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    text === '' ? text : `\x1b[${open}m${text}\x1b[${close}m`
export const colorStyle: TerminalStyle = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  code: sgr(36, 39),
  added: sgr(32, 39),
  removed: sgr(31, 39)
}

const parser = markdownIt({ html: true, linkify: false })

/** The Markdown as terminal text, ending in one newline (empty for empty input). */
export function markdownToTerminal(markdown: string, style: TerminalStyle = plainStyle): string {
  const blocks = renderBlocks(parser.parse(markdown, {}), style)
  const text = blocks
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return text === '' ? '' : `${text}\n`
}

/** The index of the token closing the one opened at `start`. */
function closing(tokens: readonly Token[], start: number): number {
  let depth = 0
  for (let i = start; i < tokens.length; i++) {
    depth += tokens[i]!.nesting
    if (depth === 0) return i
  }
  return tokens.length - 1
}

/** Block tokens as blocks of text (each possibly several lines), in order. */
function renderBlocks(tokens: readonly Token[], style: TerminalStyle): string[] {
  const blocks: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    switch (token.type) {
      case 'heading_open': {
        const text = inline(tokens[i + 1], style)
        const level = Number(token.tag.slice(1))
        const rule = level <= 1 ? '═' : level === 2 ? '─' : ''
        blocks.push(
          rule === ''
            ? style.bold(text)
            : `${style.bold(text)}\n${style.dim(rule.repeat(Math.max(3, displayWidth(text))))}`
        )
        i = closing(tokens, i)
        break
      }
      case 'paragraph_open': {
        blocks.push(inline(tokens[i + 1], style))
        i = closing(tokens, i)
        break
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const end = closing(tokens, i)
        blocks.push(list(tokens.slice(i, end + 1), style))
        i = end
        break
      }
      case 'blockquote_open': {
        const end = closing(tokens, i)
        const inner = renderBlocks(tokens.slice(i + 1, end), style).join('\n\n')
        blocks.push(prefixLines(inner, style.dim('│ ')))
        i = end
        break
      }
      case 'table_open': {
        const end = closing(tokens, i)
        blocks.push(table(tokens.slice(i, end + 1), style))
        i = end
        break
      }
      case 'fence':
      case 'code_block':
        blocks.push(code(token.content, token.info.trim().split(/\s+/)[0] ?? '', style))
        break
      case 'html_block': {
        const text = htmlBlock(token.content, style)
        if (text !== '') blocks.push(text)
        break
      }
      case 'hr':
        blocks.push(style.dim('─'.repeat(40)))
        break
      default:
        break
    }
  }
  return blocks
}

function list(tokens: readonly Token[], style: TerminalStyle): string {
  const ordered = tokens[0]!.type === 'ordered_list_open'
  let number = Number(tokens[0]!.attrGet('start') ?? '1')
  const items: string[] = []
  let tight = true
  for (let i = 1; i < tokens.length - 1; i++) {
    if (tokens[i]!.type !== 'list_item_open') continue
    const end = closing(tokens, i)
    const body = tokens.slice(i + 1, end)
    // markdown-it hides the paragraphs of a tight list's items.
    if (body.some(t => t.type === 'paragraph_open' && !t.hidden)) tight = false
    const marker = ordered ? `${number++}. ` : '• '
    const text = renderBlocks(body, style).join('\n')
    const [first = '', ...rest] = text.split('\n')
    const indent = ' '.repeat(marker.length)
    items.push([`${marker}${first}`, ...rest.map(line => (line === '' ? '' : indent + line))].join('\n'))
    i = end
  }
  return items.join(tight ? '\n' : '\n\n')
}

function prefixLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map(line => prefix + line)
    .join('\n')
}

function code(content: string, language: string, style: TerminalStyle): string {
  const body = content.replace(/\n$/, '')
  if (language === 'mermaid') return mermaid(body, style)
  const lines = body.split('\n').map(line => {
    if (language !== 'diff') return line
    if (line.startsWith('+') && !line.startsWith('+++')) return style.added(line)
    if (line.startsWith('-') && !line.startsWith('---')) return style.removed(line)
    if (line.startsWith('@@')) return style.dim(line)
    return line
  })
  return prefixLines(lines.join('\n'), '    ')
}

const SPARKS = '▁▂▃▄▅▆▇█'

/**
 * A Mermaid `xychart-beta` as one sparkline per series, scaled to its y-axis; any other diagram as a note
 * (the job summary on GitHub draws it).
 */
function mermaid(source: string, style: TerminalStyle): string {
  // `%%` lines are Mermaid comments and directives (`%%{init: …}%%`), not the diagram.
  const lines = source
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('%%'))
  const kind = (lines[0] ?? '').split(/\s+/)[0] ?? ''
  const title = /^title\s+"?(.*?)"?$/.exec(lines.find(line => line.startsWith('title ')) ?? '')?.[1]
  if (kind !== 'xychart-beta' && kind !== 'xychart') {
    return style.dim(`[${kind || 'mermaid'} diagram${title ? `: ${title}` : ''}; drawn on GitHub]`)
  }
  const series = lines
    .map(line => /^(line|bar)\s*(?:"([^"]*)")?\s*\[(.*)\]$/.exec(line))
    .filter(match => match !== null)
    .map((match, index) => ({
      name: match[2] ?? `${match[1]!} ${index + 1}`,
      values: match[3]!.split(',').map(v => Number(v.trim()))
    }))
  // Scaled to the data, not the axis: the axis may leave room (whole ticks) a sparkline does not need.
  const top = Math.max(1, ...series.flatMap(s => s.values.filter(Number.isFinite)))
  const labels = /\[(.*)\]/
    .exec(lines.find(line => line.startsWith('x-axis')) ?? '')?.[1]
    ?.split(',')
    .map(label => label.trim().replace(/^"|"$/g, ''))
  const width = Math.max(0, ...series.map(s => displayWidth(s.name)))
  const out = [style.bold(title ?? 'Chart')]
  for (const s of series) {
    const spark = s.values
      .map(v => SPARKS[Math.round((Math.max(0, Math.min(top, v)) / top) * (SPARKS.length - 1))])
      .join('')
    const name = s.name + ' '.repeat(width - displayWidth(s.name))
    out.push(`  ${name}  ${spark}  ${s.values[0]} → ${s.values[s.values.length - 1]}`)
  }
  if (labels && labels.length > 0)
    out.push(style.dim(`  from ${labels[0]} to ${labels[labels.length - 1]}; the highest bar is ${top}`))
  return out.join('\n')
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'"
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16))
    if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number(name.slice(1)))
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

/** Raw HTML blocks: `<details>` opens with its summary as a marked line; comments and other tags vanish. */
function htmlBlock(html: string, style: TerminalStyle): string {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '')
  const summary = /<summary>([\s\S]*?)<\/summary>/i.exec(withoutComments)
  const rest = (summary ? withoutComments.replace(summary[0], '') : withoutComments)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
  const text = decodeEntities(rest).trim()
  const head = summary ? style.bold(`▸ ${decodeEntities(summary[1]!.replace(/<[^>]+>/g, '').trim())}`) : ''
  return [head, text].filter(part => part !== '').join('\n')
}

/**
 * An inline token's children as text. Links read `text (url)`; with `footnotes` (in tables, where a URL
 * would widen a whole column) `text [n]`, the URL collected as note n.
 */
function inline(token: Token | undefined, style: TerminalStyle, footnotes?: string[]): string {
  let out = ''
  const links: (string | null)[] = []
  let strong = ''
  for (const child of token?.children ?? []) {
    switch (child.type) {
      case 'text':
        out += child.content
        break
      case 'code_inline':
        out += style.code(child.content)
        break
      case 'strong_open':
        strong = out
        out = ''
        break
      case 'strong_close':
        out = strong + style.bold(out)
        break
      case 'softbreak':
      case 'hardbreak':
        out += '\n'
        break
      case 'link_open': {
        const href = child.attrGet('href')?.toString() ?? null
        links.push(href)
        break
      }
      case 'link_close': {
        const href = links.pop()
        if (!href || href.startsWith('#') || out.endsWith(href)) break
        if (footnotes === undefined) out += ` (${href})`
        else {
          const n = footnotes.indexOf(href) + 1 || footnotes.push(href)
          out += style.dim(` [${n}]`)
        }
        break
      }
      case 'image':
        out += `[image: ${child.content}]${child.attrGet('src') ? ` (${String(child.attrGet('src'))})` : ''}`
        break
      case 'html_inline':
        if (/^<br\s*\/?>$/i.test(child.content)) out += '\n'
        break
      default:
        break
    }
  }
  return out
}

function table(tokens: readonly Token[], style: TerminalStyle): string {
  const rows: { cells: string[]; header: boolean }[] = []
  const footnotes: string[] = []
  const align: ('left' | 'right' | 'center')[] = []
  let current: string[] | undefined
  let inHead = false
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.type === 'thead_open') inHead = true
    else if (token.type === 'thead_close') inHead = false
    else if (token.type === 'tr_open') current = []
    else if (token.type === 'tr_close' && current) {
      rows.push({ cells: current, header: inHead })
      current = undefined
    } else if ((token.type === 'th_open' || token.type === 'td_open') && current) {
      const styleAttr = String(token.attrGet('style') ?? '')
      const column = current.length
      if (inHead)
        align[column] = styleAttr.includes('right')
          ? 'right'
          : styleAttr.includes('center')
            ? 'center'
            : 'left'
      current.push(inline(tokens[i + 1], style, footnotes).replace(/\n/g, ' '))
    }
  }
  // A table whose header cells are all empty is a list of key/value rows: no header line.
  const visible = rows.filter(row => !(row.header && row.cells.every(cell => cell.trim() === '')))
  const columns = Math.max(0, ...visible.map(row => row.cells.length))
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(0, ...visible.map(row => displayWidth(row.cells[c] ?? '')))
  )
  const pad = (text: string, c: number): string => {
    const gap = (widths[c] ?? 0) - displayWidth(text)
    if (align[c] === 'right') return ' '.repeat(gap) + text
    if (align[c] === 'center') return ' '.repeat(Math.floor(gap / 2)) + text + ' '.repeat(Math.ceil(gap / 2))
    return text + ' '.repeat(gap)
  }
  const lines: string[] = []
  for (const row of visible) {
    const cells = Array.from({ length: columns }, (_, c) => pad(row.cells[c] ?? '', c))
    lines.push((row.header ? cells.map(style.bold) : cells).join('  ').trimEnd())
    if (row.header) lines.push(style.dim(widths.map(w => '─'.repeat(Math.max(1, w))).join('  ')))
  }
  for (const [index, href] of footnotes.entries()) lines.push(style.dim(`[${index + 1}] ${href}`))
  return lines.join('\n')
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g

/** Columns a string takes in a terminal: wide (CJK, emoji) characters 2, combining marks and joiners 0. */
export function displayWidth(text: string): number {
  let width = 0
  for (const char of text.replace(ANSI, '')) {
    const code = char.codePointAt(0) ?? 0
    if (
      code === 0x200d ||
      (code >= 0xfe00 && code <= 0xfe0f) ||
      (code >= 0x300 && code <= 0x36f) ||
      (code >= 0xe0100 && code <= 0xe01ef)
    )
      continue
    width += isWide(code) ? 2 : 1
  }
  return width
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f680 && code <= 0x1f6ff) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x1fa70 && code <= 0x1faff) ||
    [
      0x231a, 0x231b, 0x23e9, 0x23ea, 0x23eb, 0x23ec, 0x23f0, 0x23f3, 0x25fd, 0x25fe, 0x2614, 0x2615, 0x26a1,
      0x26aa, 0x26ab, 0x26bd, 0x26be, 0x26c4, 0x26c5, 0x26d4, 0x26ea, 0x26f2, 0x26f3, 0x26f5, 0x26fa, 0x26fd,
      0x2705, 0x270a, 0x270b, 0x2728, 0x274c, 0x274e, 0x2753, 0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797,
      0x27b0, 0x27bf, 0x2b1b, 0x2b1c, 0x2b50, 0x2b55
    ].includes(code)
  )
}
