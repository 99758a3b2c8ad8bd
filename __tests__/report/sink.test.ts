/** The sink's parts without a process: the secret registry, inert log lines, Markdown escaping, pair redaction. */
import { describe, expect, it } from '@jest/globals'
import MarkdownIt from 'markdown-it'
import { builtinFunctions } from '../../src/render/functions.js'
import { renderTemplate } from '../../src/render/template/index.js'
import { codeBlock, escapeHtml, inlineCode } from '../../src/report/markdown.js'
import { redactSecretPair } from '../../src/report/redact.js'
import {
  inertLines,
  LIMITS,
  looksLikeCommand,
  MASK,
  outputValue,
  SecretRegistry,
  summaryText
} from '../../src/report/sink.js'
import { readRunnerLog } from '../helpers/runner-log.js'

function registry() {
  const masked: string[] = []
  const warnings: string[] = []
  const secrets = new SecretRegistry({ mask: v => void masked.push(v), warn: m => void warnings.push(m) })
  return { secrets, masked, warnings }
}

describe('secret registry', () => {
  it('replaces a value whole or as a substring, and its JSON- and HTML-escaped forms', () => {
    const { secrets, masked } = registry()
    secrets.add('s3cr3t"<v>', 'ssm /app/password')
    expect(masked).toEqual(['s3cr3t"<v>'])
    expect(secrets.redact('a s3cr3t"<v> b')).toBe(`a ${MASK} b`)
    expect(secrets.redact('"x": "pre-s3cr3t\\"<v>-post"')).toBe(`"x": "pre-${MASK}-post"`)
    expect(secrets.redact('pre-s3cr3t\\"\\u003cv\\u003e')).toBe(`pre-${MASK}`)
    expect(secrets.redact('s3cr3t"&lt;v&gt;')).toBe(MASK)
    expect(secrets.redact('unrelated')).toBe('unrelated')
  })

  it('masks each line of a multi-line value too', () => {
    const { secrets, masked } = registry()
    secrets.add('-----BEGIN KEY-----\nabcdefgh\nxy', 'ssm /key')
    expect(masked).toEqual(['-----BEGIN KEY-----\nabcdefgh\nxy', '-----BEGIN KEY-----', 'abcdefgh'])
    expect(secrets.redact('line abcdefgh')).toBe(`line ${MASK}`)
  })

  it('hides a short value only as a whole JSON string, does not mask it in the log, and warns naming the source', () => {
    const { secrets, masked, warnings } = registry()
    secrets.add('1', 'env FLAG')
    expect(masked).toEqual([])
    expect(warnings).toEqual([expect.stringContaining('env FLAG is shorter than 6 characters')])
    expect(warnings[0]).not.toMatch(/"1"/)
    expect(secrets.redact('"a": "1", "cpu": 1024')).toBe(`"a": "${MASK}", "cpu": 1024`)
  })

  it('env and must_env register what a template reads: always the credential variables, the rest only under redact', async () => {
    const env = { AWS_SESSION_TOKEN: 'session-abcdef', DB: 'database-pw', IMAGE_TAG: 'release-abc' }
    const read = async (redactEnv: boolean) => {
      const added: string[] = []
      const functions = builtinFunctions(
        env,
        { add: (v, source) => void added.push(`${source}=${v}`) },
        { redactEnv }
      )
      await renderTemplate(
        '{{ env `AWS_SESSION_TOKEN` }} {{ must_env `DB` }} {{ env `IMAGE_TAG` }} {{ env `UNSET` `fallback` }}',
        {
          file: 't.json',
          functions
        }
      )
      return added
    }
    expect(await read(false)).toEqual(['env AWS_SESSION_TOKEN=session-abcdef'])
    expect(await read(true)).toEqual(['env AWS_SESSION_TOKEN=session-abcdef', 'env DB=database-pw'])
  })
})

describe('log lines', () => {
  it('leave ordinary text alone and wrap text that could be a workflow command in stop-commands', () => {
    expect(inertLines('Deploying web')).toBe('Deploying web')
    for (const text of [
      'a\n::warning::x',
      '  ::add-mask::x',
      'a\r::set-output name=s::x',
      'x ##[warning]y'
    ]) {
      expect(looksLikeCommand(text)).toBe(true)
      const log = readRunnerLog(inertLines(text))
      expect(log.commands.map(c => c.name)).toEqual(['stop-commands'])
      expect(log.shown.join('\n')).toContain('x')
    }
  })

  it('uses a token the text cannot guess, so the text cannot end the block early', () => {
    const a = inertLines('::warning::x')
    const b = inertLines('::warning::x')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^::stop-commands::[0-9a-f]{32}\n/)
  })
})

describe('outputs and summary', () => {
  it('cut an output to the limit with a note saying where the full text is', () => {
    const value = outputValue('diff', 'line\n'.repeat(200_000))
    expect(value.length).toBeLessThanOrEqual(LIMITS.outputUnits)
    expect(value).toMatch(/the diff output is cut .* the job summary and the step log have the full text/)
    expect(outputValue('status', 'dry-run')).toBe('dry-run')
  })

  it('cut a summary to 1 MiB in UTF-8 bytes', () => {
    const text = summaryText('é✓ line\n'.repeat(200_000))
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024 * 1024)
    expect(text).toContain('1 MiB limit')
  })
})

describe('Markdown escaping', () => {
  const md = new MarkdownIt({ html: true })
  /** The text of each heading a reader would see. */
  const headings = (text: string) => {
    const tokens = md.parse(text, {})
    return tokens.flatMap((t, i) => (t.type === 'heading_open' ? [tokens[i + 1]?.content ?? ''] : []))
  }
  const links = (text: string) =>
    md
      .parse(text, {})
      .flatMap(t => t.children ?? [])
      .filter(t => t.type === 'link_open')

  const evil = 'web\n# Security review: approved\n[ok](https://evil.example) <img src=x>'

  it('keeps a newline in a name from starting a heading, in a heading, bold text and a list item', () => {
    for (const text of [
      `## Deploy ${escapeHtml(evil)}`,
      `### Dry run: ${inlineCode(evil)}`,
      `**${escapeHtml(evil)}**`,
      `- ${escapeHtml('# not a heading')}`
    ]) {
      expect(headings(text).filter(h => /^(Security review|not a heading)/.test(h))).toEqual([])
      expect(links(text)).toEqual([])
      expect(md.render(text)).not.toContain('<img')
    }
  })

  it('fences a block with more backticks than any run inside it', () => {
    const block = codeBlock('````\n# heading\n`````', 'diff')
    expect(block.startsWith('``````diff\n')).toBe(true)
    expect(headings(block)).toEqual([])
  })
})

describe('redaction by value of a live/local pair', () => {
  const secrets = (() => {
    const r = new SecretRegistry({ mask: () => undefined, warn: () => undefined })
    r.add('new-secret-value', 'ssm /p')
    return r
  })()

  it('hides the previous value at the same place on the live side, and still shows the change', () => {
    const live = {
      containerDefinitions: [{ name: 'app', dockerLabels: { pw: 'old-secret-value', other: 'x' } }]
    }
    const local = {
      containerDefinitions: [{ name: 'app', dockerLabels: { pw: 'new-secret-value', other: 'x' } }]
    }
    const out = redactSecretPair(live, local, secrets, MASK)
    expect(out.live).toEqual({
      containerDefinitions: [{ name: 'app', dockerLabels: { pw: MASK, other: 'x' } }]
    })
    expect(out.local).toEqual({
      containerDefinitions: [{ name: 'app', dockerLabels: { pw: `${MASK} (changed)`, other: 'x' } }]
    })
  })

  it('pairs tags by key, not by position', () => {
    const live = {
      tags: [
        { key: 'a', value: 'plain' },
        { key: 'pw', value: 'old-secret-value' }
      ]
    }
    const local = { tags: [{ key: 'pw', value: 'pre-new-secret-value' }] }
    const out = redactSecretPair(live, local, secrets, MASK)
    expect(out.live).toEqual({
      tags: [
        { key: 'a', value: 'plain' },
        { key: 'pw', value: MASK }
      ]
    })
    expect(out.local).toEqual({ tags: [{ key: 'pw', value: `pre-${MASK}` }] })
  })

  it('leaves the same value on both sides unchanged, so the diff shows no change', () => {
    const side = { tags: [{ key: 'pw', value: 'new-secret-value' }] }
    const out = redactSecretPair(structuredClone(side), structuredClone(side), secrets, MASK)
    expect(out.live).toEqual({ tags: [{ key: 'pw', value: MASK }] })
    expect(out.local).toEqual(out.live)
  })
})
