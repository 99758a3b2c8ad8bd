/** Markdown helpers for job summaries and PR comments: escaping, fences, collapsible sections, limits. */

/**
 * Text from users or AWS as inline Markdown: no HTML (`core.summary` does not escape), no new block (a line
 * break becomes `<br>`, so `# …` after it cannot make a heading), no link or image (`[` `]` escaped), and no
 * block marker at its start (`# `, `> `, `- ` inside a list item).
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[[\]]/g, '\\$&')
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '<br>')
    .replace(/^(\s*)([#+*=|-])/, '$1\\$2')
}

/** Line breaks shown as a symbol: a code span holding one would otherwise end the heading or list it sits in. */
const NEWLINE_SYMBOL = '␤'

/** Inline code that survives backticks and line breaks inside the text. */
export function inlineCode(raw: string): string {
  const text = raw.replace(/\r\n|\r|\n|\u2028|\u2029/g, NEWLINE_SYMBOL)
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(m => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${text}${pad}${ticks}`
}

/** A fenced block whose fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map(m => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  const body = text.endsWith('\n') ? text : `${text}\n`
  return `${fence}${language}\n${body}${fence}`
}

export function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(row => `| ${row.map(cell).join(' | ')} |`)
  ].join('\n')
}

/**
 * Cuts text to at most `limit` characters at a line boundary and appends `notice` (which counts toward the
 * limit), so a PR comment or summary stays within GitHub's size limits and says where the rest is.
 */
export function truncate(text: string, limit: number, notice: string): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false }
  const room = Math.max(0, limit - notice.length - 1)
  let cut = text.lastIndexOf('\n', room)
  if (cut <= 0) cut = room
  return { text: `${text.slice(0, cut)}\n${notice}`, truncated: true }
}

/** UTF-8 size of a text: GitHub's step summary limit (1 MiB) counts bytes, not characters. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/**
 * Like `truncate`, but the limit is in UTF-8 bytes: cuts at a line boundary so the text plus `notice` fits.
 */
export function truncateBytes(
  text: string,
  limitBytes: number,
  notice: string
): { text: string; truncated: boolean } {
  if (byteLength(text) <= limitBytes) return { text, truncated: false }
  const room = Math.max(0, limitBytes - byteLength(notice) - 1)
  // Characters take 1-4 bytes; start from a character count that surely fits, then grow line by line.
  let end = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8').length
  while (end > 0 && byteLength(text.slice(0, end)) > room) end--
  const cut = text.lastIndexOf('\n', end)
  const at = cut > 0 ? cut : end
  return { text: `${text.slice(0, at)}\n${notice}`, truncated: true }
}
