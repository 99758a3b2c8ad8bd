/**
 * `expect(text).toMatchFileSnapshot('__snapshots__/name.md')`: the snapshot is the file itself, kept as the
 * reader sees it (a job summary stays Markdown), beside the test. It follows jest's snapshot modes: `-u`
 * rewrites it, a missing file is written unless jest runs with `--ci`, and a difference fails with a diff.
 */
import { expect } from '@jest/globals'
import type { MatcherContext } from 'expect'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, relative, resolve } from 'node:path'

declare module 'expect' {
  // A merged declaration repeats the original's type parameters, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    toMatchFileSnapshot(file: string): Promise<R>
  }
}

/** The part of jest's snapshot state read here; the run's mode (`-u`, `--ci` or neither) is a private field. */
interface SnapshotState {
  _updateSnapshot: 'all' | 'new' | 'none'
  added: number
  updated: number
}

async function toMatchFileSnapshot(this: MatcherContext, received: unknown, file: string) {
  if (typeof received !== 'string') throw new TypeError('toMatchFileSnapshot takes a string')
  if (!this.testPath) throw new Error('toMatchFileSnapshot needs the test file path')
  const path = resolve(dirname(this.testPath), file)
  const shown = relative(process.cwd(), path)
  const state = (this as MatcherContext & { snapshotState: SnapshotState }).snapshotState
  const expected = await readFile(path, 'utf8').catch(() => undefined)
  if (expected === received) return { pass: true, message: () => `${shown} matches` }
  if (state._updateSnapshot === 'all' || (expected === undefined && state._updateSnapshot === 'new')) {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, received)
    if (expected === undefined) state.added++
    else state.updated++
    return { pass: true, message: () => `${shown} written` }
  }
  return {
    pass: false,
    message: () =>
      expected === undefined
        ? `${shown} does not exist: run jest without --ci to write it`
        : `${shown} differs from the text (run jest with -u to rewrite it):\n\n${this.utils.diff(expected, received) ?? ''}`
  }
}

expect.extend({ toMatchFileSnapshot })
