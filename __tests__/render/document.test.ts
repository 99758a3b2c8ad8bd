import { describe, expect, it } from '@jest/globals'
import { ActionError, ActionErrors } from '../../src/errors.js'
import {
  decodeSource,
  firstInvalidUtf8,
  parseRendered,
  RenderedPositions,
  type DocumentFormat
} from '../../src/render/document.js'
import { renderTemplate } from '../../src/render/template/index.js'

const parse = (text: string, format: DocumentFormat = 'json') =>
  parseRendered(new RenderedPositions('f.json', text, []), format)

function errorOf(run: () => unknown): ActionError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError)
    return error as ActionError
  }
  throw new Error('expected an error')
}

describe('JSON parsing with positions', () => {
  it('parses what JSON.parse parses, keeping __proto__ as a plain key', () => {
    expect(parse('{"a": [1, 2.5e3, "x\\u00e9", null, true], "__proto__": {"b": 1}}').value).toEqual(
      JSON.parse('{"a": [1, 2.5e3, "x\\u00e9", null, true], "__proto__": {"b": 1}}')
    )
    expect(Object.getPrototypeOf(parse('{"__proto__": {"b": 1}}').value)).toBe(Object.prototype)
  })

  it.each([
    ['{"a": 1,}', { line: 1, column: 8 }, 'a trailing comma before }'],
    ['{"a": [1,\n  ]}', { line: 1, column: 9 }, 'a trailing comma before ]'],
    ['{"a": 1 // no\n}', { line: 1, column: 9 }, 'comments are not allowed in JSON'],
    ['{"a": 1\n "b": 2}', { line: 2, column: 2 }, "expected ',' or the end of the object or list"],
    ['{"a": "x\ty"}', { line: 1, column: 9 }, 'a control character'],
    ['{"a": Infinity}', { line: 1, column: 7 }, 'Infinity is not a JSON value'],
    ['{"a": <no value>}', { line: 1, column: 7 }, 'is not a JSON value'],
    ['{"a": 1} x', { line: 1, column: 10 }, '"x" is not a JSON value'],
    ['{"a": 1} {}', { line: 1, column: 10 }, 'expected the end of the file after the value'],
    ['{"a": ', { line: 1, column: 7 }, 'expected a value, found the end of the file'],
    ['', { line: 1, column: 1 }, 'expected a value']
  ])('%j is an error at its place', (text, where, message) => {
    const error = errorOf(() => parse(text))
    expect(error.where).toEqual({ file: 'f.json', ...where })
    expect(error.message).toContain(message)
  })

  it('reports every duplicate key, at any depth, at the later one', () => {
    const error = errorOf(() => parse('{\n "cpu": "256",\n "cpu": "4096",\n "x": [{"a": 1, "a": 2}]\n}'))
    expect(error).toBeInstanceOf(ActionErrors)
    expect((error as ActionErrors).errors.map(e => [e.where, e.message])).toEqual([
      [
        { file: 'f.json', line: 3, column: 2 },
        'duplicate key "cpu" (first at line 2); JSON keeps only the last one'
      ],
      [
        { file: 'f.json', line: 4, column: 17 },
        'duplicate key "a" (first at line 4); JSON keeps only the last one'
      ]
    ])
  })

  it('locates a path at its key, or at the deepest part that exists', () => {
    const { locate } = parse('{\n  "a": [\n    {"b": 1},\n    {"c": 2}\n  ]\n}')
    expect(locate(['a', 1, 'c'])).toEqual({ file: 'f.json', line: 4, column: 6 })
    expect(locate(['a', 1])).toEqual({ file: 'f.json', line: 4, column: 5 })
    expect(locate(['a', 5])).toEqual({ file: 'f.json', line: 2, column: 3 })
    expect(locate([])).toEqual({ file: 'f.json', line: 1, column: 1 })
  })

  it("maps an error in an action's output to the action in the template", async () => {
    const template = '{\n  "image": {{ .image }},\n  "n": 1\n}'
    const rendered = await renderTemplate(template, {
      file: 'f.json',
      functions: {},
      data: { image: 'repo/web:v2' }
    })
    const positions = new RenderedPositions(
      'f.json',
      rendered.text,
      rendered.lineMap,
      rendered.templatePosition
    )
    const error = errorOf(() => parseRendered(positions, 'json'))
    expect(error.where).toEqual({ file: 'f.json', line: 2, column: 12 })
    // Text after a longer value maps back character by character.
    expect(positions.sourcePosition(rendered.text.indexOf('"n"'))).toEqual({ line: 3, column: 3 })
  })
})

describe('YAML', () => {
  it('turns an alias bomb into a located error', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]']
    for (const name of ['c', 'd', 'e'])
      bomb.push(
        `${name}: &${name} [${Array(10)
          .fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`)
          .join(', ')}]`
      )
    const error = errorOf(() => parse(bomb.join('\n'), 'yaml'))
    expect(error.where).toEqual({ file: 'f.json', line: 2, column: 8 })
    expect(error.message).toMatch(/^YAML aliases expand to more than 1000 nodes/)
  })

  it('refuses duplicate keys', () => {
    const error = errorOf(() => parse('a: 1\nb: 2\na: 3\n', 'yaml'))
    expect(error.where).toEqual({ file: 'f.json', line: 3, column: 1 })
    expect(error.hint).toContain('remove one of the two')
  })
})

describe('decodeSource', () => {
  it('drops a byte order mark', () => {
    expect(decodeSource(Buffer.from('\ufeff{"a": 1}', 'utf8'), 'f')).toBe('{"a": 1}')
  })

  it('locates the first invalid byte by line and column', () => {
    const bytes = Buffer.concat([Buffer.from('ok\n"caf', 'utf8'), Buffer.from([0xe9, 0x22])])
    const error = errorOf(() => decodeSource(bytes, 'f.json'))
    expect(error.where).toEqual({ file: 'f.json', line: 2, column: 5 })
    expect(error.message).toBe('the file is not valid UTF-8: byte 0xe9 at line 2, column 5 (byte offset 7)')
  })

  it('finds overlong forms, surrogates, stray continuations and truncated sequences', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo €𝄞', 'utf8'))).toBe(Buffer.byteLength('héllo €𝄞'))
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0xaf]))).toBe(1)
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0xaf]))).toBe(0)
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0)
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x80]))).toBe(1)
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xf0, 0x9d]))).toBe(1)
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0)
  })
})
