import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import { builtinFunctions, jsonEscape } from '../../src/render/functions.js'
import { renderTemplate } from '../../src/render/template/index.js'

async function render(source: string, env: Record<string, string | undefined>): Promise<string> {
  return (await renderTemplate(source, { file: 'task.json', functions: builtinFunctions(env) })).text
}

describe('env (go-config semantics)', () => {
  it('returns the first non-empty variable, else the last argument itself', async () => {
    const env = { A: '', B: 'b', C: 'c' }
    expect(await render('{{ env "A" "B" "fallback" }}', env)).toBe('b')
    expect(await render('{{ env "B" "C" }}', env)).toBe('b')
    expect(await render('{{ env "A" "X" "fallback" }}', env)).toBe('fallback')
    expect(await render('{{ env "C" }}', env)).toBe('c')
  })

  it('looks the last argument up too, as go-config does', async () => {
    expect(await render('{{ env "A" "B" }}', { B: 'from-b' })).toBe('from-b')
  })

  it('with one unset or empty argument gives the name back (go-config behaviour)', async () => {
    expect(await render('{{ env "UNSET" }}', {})).toBe('UNSET')
    expect(await render('{{ env "EMPTY" }}', { EMPTY: '' })).toBe('EMPTY')
    expect(await render('[{{ env }}]', {})).toBe('[]')
  })

  it('rejects non-string arguments like Go', async () => {
    await expect(render('{{ env 1 }}', {})).rejects.toMatchObject({
      message: 'wrong type for value; expected string; got int'
    })
  })
})

describe('must_env', () => {
  it('returns the value, and accepts an empty one', async () => {
    expect(await render('[{{ must_env "A" }}][{{ must_env "E" }}]', { A: 'a', E: '' })).toBe('[a][]')
  })

  it('fails for an unset variable, naming it, with location and a hint', async () => {
    const error = await render('{\n  "image": "{{ must_env "REPO" }}"\n}', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    const e = error as ActionError
    expect(e.message).toBe('error calling must_env: environment variable REPO is not defined')
    expect(e.where).toEqual({ file: 'task.json', line: 2, column: 16 })
    expect(e.hint).toContain('env:')
    expect(e.hint).toContain('REPO')
  })

  it('points at the image-tag input for IMAGE_TAG', async () => {
    const error = (await render('{{ must_env "IMAGE_TAG" }}', {}).catch((e: unknown) => e)) as ActionError
    expect(error.hint).toContain('image-tag')
  })
})

describe('json_escape', () => {
  it('escapes like Go json.Marshal, without the quotes', () => {
    expect(jsonEscape('a"b\\c\n\r\t')).toBe('a\\"b\\\\c\\n\\r\\t')
    expect(jsonEscape('<a>&')).toBe('\\u003ca\\u003e\\u0026')
    expect(jsonEscape('\u0001\b\f\u001f')).toBe('\\u0001\\b\\f\\u001f')
    expect(jsonEscape('é😀\u2028\u2029')).toBe('é😀\\u2028\\u2029')
    expect(jsonEscape('x\ud800y')).toBe('x\\ufffdy')
  })

  it('works in a pipeline, producing a valid JSON string', async () => {
    const text = await render('{"v": "{{ must_env "V" | json_escape }}"}', { V: 'line1\n"quoted" <tag>' })
    expect(JSON.parse(text)).toEqual({ v: 'line1\n"quoted" <tag>' })
  })
})
