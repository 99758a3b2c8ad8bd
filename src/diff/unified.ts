import { structuredPatch } from 'diff'
import { stableStringify, type Json } from './json.js'

/** The name a side without content (a service not created yet) shows in the header. */
export const NOTHING = '/dev/null'

/**
 * A plain-text unified diff of two JSON values, each rendered as key-sorted, 2-space JSON; '' when they are
 * the same. `undefined` stands for "does not exist" and diffs as an empty file.
 */
export function unifiedJsonDiff(
  before: Json | undefined,
  after: Json | undefined,
  beforeName: string,
  afterName: string,
  context = 3
): string {
  const oldText = before === undefined ? '' : `${stableStringify(before)}\n`
  const newText = after === undefined ? '' : `${stableStringify(after)}\n`
  return unifiedDiff(
    oldText,
    newText,
    before === undefined ? NOTHING : beforeName,
    after === undefined ? NOTHING : afterName,
    context
  )
}

/** A unified diff of two texts with `---`/`+++` headers and `@@` hunks, no colours; '' when equal. */
export function unifiedDiff(
  oldText: string,
  newText: string,
  oldName: string,
  newName: string,
  context = 3
): string {
  if (oldText === newText) return ''
  const patch = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, { context })
  const lines = [`--- ${oldName}`, `+++ ${newName}`]
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`)
    lines.push(...hunk.lines)
  }
  return `${lines.join('\n')}\n`
}

function range(start: number, count: number): string {
  // A side with no lines names the line before the change (`-0,0` for an empty file).
  if (count === 0) return `${start - 1},0`
  return count === 1 ? `${start}` : `${start},${count}`
}
