import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import {
  DEFAULT_LIMITS,
  parseTemplate,
  renderTemplate,
  type FunctionMap,
  type RenderLimits
} from '../../src/render/template/index.js'

const noFunctions: FunctionMap = {}

async function render(source: string, data?: unknown, functions: FunctionMap = noFunctions): Promise<string> {
  const options = data === undefined ? { file: 't.json', functions } : { file: 't.json', functions, data }
  return (await renderTemplate(source, options)).text
}

async function renderError(source: string, functions: FunctionMap = noFunctions, data?: unknown) {
  try {
    await render(source, data, functions)
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError)
    return error as ActionError
  }
  throw new Error('expected an error')
}

function parseError(source: string): ActionError {
  try {
    parseTemplate(source, 'def.json')
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError)
    return error as ActionError
  }
  throw new Error('expected a syntax error')
}

describe('text and values', () => {
  it('passes text through and prints values as Go does', async () => {
    expect(await render('plain {text} }}')).toBe('plain {text} }}')
    expect(await render('{{ 1 }} {{ -2 }} {{ 1.5 }} {{ true }} {{ false }}')).toBe('1 -2 1.5 true false')
    expect(await render('{{ 0x1F }} {{ 017 }} {{ 1_000 }} {{ 0b101 }} {{ .5 }}')).toBe('31 15 1000 5 0.5')
    expect(await render("{{ 'a' }}")).toBe('97')
    expect(await render('{{ .missing }}', {})).toBe('<no value>')
    expect(await render('{{ . }}')).toBe('<no value>')
    expect(await render('{{ .L }} {{ .M }}', { L: [1, 'a', null], M: { b: 2, a: [true] } })).toBe(
      '[1 a <nil>] map[a:[true] b:2]'
    )
  })

  it('decodes Go string escapes and raw strings', async () => {
    expect(await render(String.raw`{{ "a\nb\t\"q\" \\ \u00e9 \x41 \101 \U0001F600" }}`)).toBe(
      'a\nb\t"q" \\ é A A 😀'
    )
    expect(await render(String.raw`{{ "\xc3\xa9" }}`)).toBe('é')
    expect(await render('{{ `raw \\n "x"` }}')).toBe('raw \\n "x"')
    expect(await render('{{ `multi\nline` }}')).toBe('multi\nline')
  })

  it('reads fields of the data, chained', async () => {
    const data = { A: { B: { C: 'deep' } }, Name: 'svc' }
    expect(await render('{{ .Name }}-{{ .A.B.C }}', data)).toBe('svc-deep')
    expect(await render('{{ $.Name }}', data)).toBe('svc')
    expect(await render('{{ (index .A "B").C }}', data)).toBe('deep')
  })
})

describe('trim markers and comments', () => {
  it('trims all adjacent white space, newlines included', async () => {
    expect(await render('a  \n\t {{- "b" -}} \n\n  c')).toBe('abc')
    expect(await render('a \n{{- "b" }} \nc')).toBe('ab \nc')
    expect(await render('a \n{{ "b" -}} \n c')).toBe('a \nbc')
  })

  it('needs a space next to the marker: {{-3}} is a number', async () => {
    expect(await render('x {{-3}} y')).toBe('x -3 y')
  })

  it('drops comments, with trim too', async () => {
    expect(await render('a{{/* note */}}b')).toBe('ab')
    expect(await render('a \n {{- /* multi\nline */ -}} \n b')).toBe('ab')
  })
})

describe('pipelines and functions', () => {
  const functions: FunctionMap = {
    upper: (s: unknown) => String(s).toUpperCase(),
    join: (...args: unknown[]) => args.join('+'),
    later: async (s: unknown) => {
      await new Promise(resolve => setImmediate(resolve))
      return `async:${String(s)}`
    }
  }

  it('appends the previous value as the last argument', async () => {
    expect(await render('{{ "a" | join "b" "c" }}', undefined, functions)).toBe('b+c+a')
    expect(await render('{{ "x" | upper | printf "%s-%s" "y" }}', undefined, functions)).toBe('y-X')
  })

  it('evaluates parenthesized sub-pipelines and awaits async functions', async () => {
    expect(await render('{{ join (upper "a") ("b" | upper) (later "c") }}', undefined, functions)).toBe(
      'A+B+async:c'
    )
  })

  it('calls a function named as an argument with no arguments', async () => {
    expect(await render('{{ upper now }}', undefined, { ...functions, now: () => 'today' })).toBe('TODAY')
  })

  it('lets the function map override a built-in', async () => {
    expect(await render('{{ len "abc" }}', undefined, { len: () => 'mine' })).toBe('mine')
  })
})

describe('variables and control structures', () => {
  it('declares and assigns variables with block scope', async () => {
    expect(
      await render('{{ $x := "a" }}{{ $x }}{{ if true }}{{ $x = "b" }}{{ $y := 1 }}{{ end }}{{ $x }}')
    ).toBe('ab')
    expect(parseError('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}').message).toBe('undefined variable "$y"')
  })

  it('runs if / else if / else with Go truthiness', async () => {
    const t = '{{ if .A }}A{{ else if .B }}B{{ else }}none{{ end }}'
    expect(await render(t, { A: 'x' })).toBe('A')
    expect(await render(t, { A: '', B: [1] })).toBe('B')
    for (const empty of [0, '', false, null, [], {}])
      expect(await render(t, { A: empty, B: empty })).toBe('none')
  })

  it('ranges over lists and maps, with else, break and continue', async () => {
    expect(await render('{{ range .L }}<{{ . }}>{{ end }}', { L: ['a', 'b'] })).toBe('<a><b>')
    expect(await render('{{ range $i, $e := .L }}{{ $i }}={{ $e }};{{ end }}', { L: ['a', 'b'] })).toBe(
      '0=a;1=b;'
    )
    expect(await render('{{ range $k, $v := .M }}{{ $k }}={{ $v }};{{ end }}', { M: { b: 2, a: 1 } })).toBe(
      'a=1;b=2;'
    )
    expect(await render('{{ range .L }}x{{ else }}empty{{ end }}', { L: [] })).toBe('empty')
    expect(
      await render(
        '{{ range .L }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}',
        {
          L: [1, 2, 3, 4, 5]
        }
      )
    ).toBe('13')
    expect(await render('{{ range 3 }}{{ . }}{{ end }}')).toBe('012')
  })

  it('gives range variables the ranged value in else, and assigns it with =', async () => {
    expect(await render('{{ range $x := 0 }}{{ else }}{{ $x }}{{ end }}')).toBe('0')
    expect(await render('{{ $y := 9 }}{{ range $y = 3 }}{{ $y }}{{ end }}{{ $y }}')).toBe('0122')
  })

  it('treats a define named conf as the file itself, as go-config names it', async () => {
    expect(await render('{{ define "conf" }}X{{ end }}')).toBe('X')
    expect(parseError('{{ define "conf" }}inner{{ end }}outer').message).toBe(
      'template: multiple definition of template "conf"'
    )
  })

  it('sets dot with `with`, and falls back to else', async () => {
    expect(await render('{{ with .A }}{{ .B }}{{ else }}no{{ end }}', { A: { B: 'b' } })).toBe('b')
    expect(await render('{{ with .A }}{{ .B }}{{ else }}no{{ end }}', { A: null })).toBe('no')
    expect(await render('{{ with $v := "x" }}{{ $v }}{{ . }}{{ end }}')).toBe('xx')
  })
})

describe('Go built-in functions', () => {
  it('compares with eq/ne/lt/le/gt/ge', async () => {
    expect(await render('{{ eq "a" "b" "a" }} {{ eq 1 2 }} {{ ne "a" "b" }} {{ lt 1 2 }} {{ le 2 2 }}')).toBe(
      'true false true true true'
    )
    expect(await render('{{ gt "b" "a" }} {{ ge 1 2 }} {{ eq .X nil }}', { X: null })).toBe('true false true')
    expect((await renderError('{{ eq "1" 1 }}')).message).toBe(
      'error calling eq: incompatible types for comparison: string and int'
    )
  })

  it('and/or return the deciding argument and short-circuit', async () => {
    let calls = 0
    const functions: FunctionMap = {
      boom: () => {
        calls++
        throw new Error('must not be called')
      }
    }
    expect(
      await render(
        '{{ and 1 "" boom }}|{{ or 0 "x" boom }}|{{ and 1 2 }}|{{ or 0 "" }}',
        undefined,
        functions
      )
    ).toBe('|x|2|')
    expect(calls).toBe(0)
    expect(await render('{{ not 0 }} {{ not "x" }}')).toBe('true false')
  })

  it('prints with printf, print and println', async () => {
    expect(
      await render('{{ printf "%s|%d|%v|%q|%x|%X|%f|%t|%%" "s" 42 1.5 "q\\"" 255 "hi" 3.14159 true }}')
    ).toBe('s|42|1.5|"q\\""|ff|6869|3.141590|true|%')
    expect(await render('{{ printf "%5s|%-5s|%05d|%.2f|%+d|%e" "a" "b" 42 2.345 3 1234.5678 }}')).toBe(
      '    a|b    |00042|2.35|+3|1.234568e+03'
    )
    expect(await render('{{ printf "%d %s" "x" }}')).toBe('%!d(string=x) %!s(MISSING)')
    expect(await render('{{ printf "%s" "a" "b" }}')).toBe('a%!(EXTRA string=b)')
    expect(await render('{{ print "a" "b" 1 2 "c" }}|{{ println "a" 1 }}')).toBe('ab1 2c|a 1\n')
  })

  it('len counts bytes of strings, items of lists and maps; index digs in', async () => {
    const data = { L: ['a', 'b'], M: { k: { n: 'v' } } }
    expect(await render('{{ len "héllo" }} {{ len .L }} {{ len .M }}', data)).toBe('6 2 1')
    expect(await render('{{ index .L 1 }} {{ index .M "k" "n" }} {{ index .M "zz" }}', data)).toBe(
      'b v <no value>'
    )
    expect((await renderError('{{ index .L 5 }}', {}, data)).message).toBe(
      'error calling index: index out of range: 5'
    )
    expect(await render('{{ slice "abcdef" 1 3 }} {{ slice .L 1 }}', data)).toBe('bc [b]')
  })

  it('escapes with html, js and urlquery', async () => {
    expect(await render(`{{ html "<a href='x'>&\\"" }}`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&#34;')
    expect(await render(`{{ js "it's <b>" }}`)).toBe("it\\'s \\u003Cb\\u003E")
    expect(await render('{{ urlquery "a b&c=d/é" }}')).toBe('a+b%26c%3Dd%2F%C3%A9')
  })
})

describe('line map', () => {
  it('maps each rendered line to the template line it came from', async () => {
    const source = ['{', '  "a": "{{ "x" }}",', '{{- if true }}', '  "b": 1', '{{- end }}', '}'].join('\n')
    const rendered = await renderTemplate(source, { file: 't.json', functions: noFunctions })
    expect(rendered.text).toBe('{\n  "a": "x",\n  "b": 1\n}')
    expect(rendered.lineMap).toEqual([1, 2, 4, 6])
  })

  it('keeps multi-line values on the line of their action, and has one entry per line', async () => {
    const rendered = await renderTemplate('a\n{{ "1\\n2" }}\nz\n', { file: 't', functions: noFunctions })
    expect(rendered.text).toBe('a\n1\n2\nz\n')
    expect(rendered.lineMap).toEqual([1, 2, 2, 3, 4])
    expect(rendered.lineMap.length).toBe(rendered.text.split('\n').length)
  })
})

describe('syntax errors point at file, line and column', () => {
  const cases: [string, string, number, number][] = [
    ['{\n  "a": "{{ env "A" \n}', 'unclosed action', 2, 9],
    ['{\n  "a": "{{ env "A" }",\n}', 'unclosed action', 2, 9],
    ['x {{ env "A" ', 'unclosed action', 1, 3],
    ['x\n  {{ "abc }}', 'unterminated quoted string', 2, 6],
    ['{{ `abc }}', 'unterminated raw quoted string', 1, 4],
    ['a\n{{ if true }}\nb\n', 'unexpected EOF: {{if}} has no matching {{end}}', 2, 1],
    ['{{ range .L }}{{ if . }}{{ end }}', 'unexpected EOF: {{range}} has no matching {{end}}', 1, 1],
    ['ok\n  {{ end }}', 'unexpected {{end}}', 2, 3],
    ['{{ else }}', 'unexpected {{else}}', 1, 1],
    ['{{ if }}{{ end }}', 'missing value for if', 1, 7],
    ['{{ }}', 'missing value for command', 1, 4],
    ['{{ $x }}', 'undefined variable "$x"', 1, 4],
    ['{{ f ( g }}', 'unclosed left paren', 1, 6],
    ['{{ f ) }}', 'unexpected right paren', 1, 6],
    ['{{ "a" | "b" }}', 'non executable command in pipeline stage 2', 1, 10],
    ['{{ a @ }}', "unrecognized character in action: U+0040 '@'", 1, 6],
    ['{{ 12ab }}', 'bad number syntax: "12ab"', 1, 4],
    ['{{ "\\q" }}', 'invalid escape sequence \\q in quoted string', 1, 5],
    ['{{/* open }}', 'unclosed comment', 1, 1],
    ['{{/* c */ x }}', 'comment ends before closing delimiter', 1, 8],
    ['{{ break }}', '{{break}} outside {{range}}', 1, 1],
    ['{{ if true }}{{ else }}{{ else }}{{ end }}', 'expected {{end}}; found {{else}}', 1, 24],
    ['{{ template x }}', 'unexpected "x" in template clause', 1, 13],
    ['{{ if 1 }}{{ define "a" }}{{ end }}{{ end }}', '{{define}} is only allowed at the top level', 1, 11],
    [
      '{{ define "a" }}x{{ end }}\n{{ define "a" }}y{{ end }}',
      'template: multiple definition of template "a"',
      2,
      1
    ]
  ]
  it.each(cases)('%j → %s', (source, message, line, column) => {
    const error = parseError(source)
    expect(error.message).toBe(message)
    expect(error.where).toEqual({ file: 'def.json', line, column })
  })

  it('fails on a late syntax error before calling any function', async () => {
    let called = false
    const functions: FunctionMap = {
      f: () => {
        called = true
        return ''
      }
    }
    const error = await renderError('{{ f }}\n\n{{ if }}', functions)
    expect(error.message).toBe('missing value for if')
    expect(called).toBe(false)
  })
})

describe('execution errors', () => {
  it('names an unknown function with a suggestion, before calling anything', async () => {
    let called = false
    const functions: FunctionMap = {
      must_env: () => {
        called = true
        return 'v'
      }
    }
    const error = await renderError('{{ must_env "A" }}\n  "x": "{{ must_envv "B" }}"', functions)
    expect(error.message).toBe('function "must_envv" not defined')
    expect(error.hint).toBe('did you mean must_env?')
    expect(error.where).toEqual({ file: 't.json', line: 2, column: 12 })
    expect(called).toBe(false)
  })

  it('re-throws a function error with the location of the call, keeping its hint', async () => {
    const functions: FunctionMap = {
      must_env: (name: unknown) => {
        throw new ActionError(`environment variable ${String(name)} is not defined`, { hint: 'set it' })
      }
    }
    const error = await renderError('{\n  "image": "app:{{ must_env "TAG" }}"\n}', functions)
    expect(error.message).toBe('error calling must_env: environment variable TAG is not defined')
    expect(error.hint).toBe('set it')
    expect(error.where).toEqual({ file: 't.json', line: 2, column: 20 })
  })

  it('reports errors of nested calls at the inner call', async () => {
    const functions: FunctionMap = {
      fail: () => Promise.reject(new Error('nope')),
      wrap: (s: unknown) => s
    }
    const error = await renderError('{{ wrap (wrap (fail)) }}', functions)
    expect(error.message).toBe('error calling fail: nope')
    expect(error.where?.column).toBe(16)
  })

  it('reports field access on non-maps; nil data has no value, as in Go', async () => {
    expect(await render('{{ .Foo }}|{{ .Foo.Bar }}')).toBe('<no value>|<no value>')
    expect((await renderError('{{ .A.B }}', {}, { A: 'str' })).message).toBe(
      "can't evaluate field B in type string"
    )
    expect((await renderError('{{ nil }}')).message).toBe('nil is not a command')
    expect((await renderError('{{ "a" 1 }}')).message).toBe('can\'t give argument to non-function "a"')
    expect((await renderError('{{ not 1 2 }}')).message).toBe('wrong number of args for not: want 1 got 2')
  })
})

describe('function listing', () => {
  it('lists the functions a template calls, with positions', () => {
    const template = parseTemplate(
      '{{ ssm "/a" | printf "%s" }}\n{{ if eq (env "X") "y" }}{{ tfstate "a.b" }}{{ end }}',
      'f'
    )
    expect(template.functionNames()).toEqual(['ssm', 'env', 'tfstate'])
    expect(template.functionCalls().map(c => `${c.name}@${c.line}:${c.column}`)).toEqual([
      'ssm@1:4',
      'printf@1:15',
      'eq@2:7',
      'env@2:11',
      'tfstate@2:29'
    ])
  })
})

describe('speed', () => {
  it('renders 50 containers with 500 expressions', async () => {
    const container = Array.from(
      { length: 10 },
      (_, i) => `"k${i}": "{{ env "V${i}" "d" | printf "%s" }}"`
    ).join(',\n')
    const source = `[${Array.from({ length: 50 }, () => `{\n${container}\n}`).join(',\n')}]`
    const functions: FunctionMap = { env: (...args: unknown[]) => args[args.length - 1] }
    const rendered = await renderTemplate(source, { file: 'big.json', functions })
    expect(JSON.parse(rendered.text)).toHaveLength(50)
    expect(rendered.lineMap.length).toBe(rendered.text.split('\n').length)
  })
})

describe('bounds: every rendering ends, with an error at the action that ran away', () => {
  const render = (source: string, limits: Partial<RenderLimits> = {}) =>
    renderTemplate(source, {
      file: 'td.json',
      functions: {},
      limits: { ...DEFAULT_LIMITS, ...limits }
    })
  const failure = async (promise: Promise<unknown>): Promise<ActionError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ActionError)
    return error as ActionError
  }

  it('stops range 100000000 at the step limit without building the list', async () => {
    const error = await failure(render('{\n  "a": "{{ range 100000000 }}x{{ end }}"\n}'))
    expect(error.describe()).toMatch(/^td\.json:2:9: template stopped after 1,000,000 steps/)
  })

  it('stops a nested range of 10^10 steps, pointing at the inner range', async () => {
    const error = await failure(render('{{ range 100000 }}\n  {{ range 100000 }}{{ end }}{{ end }}'))
    expect(error.where).toEqual({ file: 'td.json', line: 2, column: 3 })
    expect(error.message).toContain('steps')
  })

  it('stops when the output grows past the size limit', async () => {
    const error = await failure(
      render('{{ range 1000 }}{{ printf "%1000d" 1 }}{{ end }}', { maxChars: 100_000 })
    )
    expect(error.message).toBe('the rendered output is larger than 100,000 characters')
    expect(error.where).toMatchObject({ line: 1, column: 17 })
  })

  it('stops a value doubling without being printed', async () => {
    const error = await failure(
      render('{{ $x := "ab" }}{{ range 40 }}{{ $x = printf "%s%s" $x $x }}{{ end }}', { maxChars: 1 << 20 })
    )
    expect(error.message).toBe('the value of printf is larger than 1 Mi characters')
  })

  it('stops at the time limit, read from the injected clock', async () => {
    let now = 0
    const error = await failure(
      render('{{ range 1000000 }}{{ end }}', { timeoutMs: 5000, now: () => (now += 10) })
    )
    expect(error.message).toBe('template rendering took longer than 5 s')
  })

  it('stops one printf whose widths add up past any bound, before it returns', async () => {
    const format = '%1000000d'.repeat(3000)
    const error = await failure(render(`{{ printf "${format}" ${'1 '.repeat(3000)}}}`))
    expect(error.message).toBe('error calling printf: printf output is larger than 64 Mi characters')
  })

  it('stops a template that calls itself without end, at the call', async () => {
    const error = await failure(render('{{ define "r" }}{{ template "r" . }}{{ end }}\n{{ template "r" 1 }}'))
    expect(error.message).toBe('exceeded maximum template depth (1000)')
    expect(error.where).toEqual({ file: 'td.json', line: 1, column: 17 })
  })

  it('lets ordinary templates through', async () => {
    await expect(render('{{ range 1000 }}{{ . }}{{ end }}')).resolves.toMatchObject({ lineMap: [1] })
  })
})

describe('printf widths and precisions beyond 10^6, as Go', () => {
  it('consumes the format after too many digits and reports NOVERB, BADWIDTH, BADPREC', async () => {
    const out = async (source: string) => (await renderTemplate(source, { file: 'f', functions: {} })).text
    expect(await out('{{ printf "%400000000d" 5 }}')).toBe('%!(NOVERB)%!(EXTRA int=5)')
    expect(await out('{{ printf "%.400000000f" 5.5 }}')).toBe('%!(NOVERB)%!(EXTRA float64=5.5)')
    expect(await out('{{ printf "%*d" 400000000 5 }}')).toBe('%!(BADWIDTH)5')
    expect(await out('{{ printf "%.*d" 400000000 5 }}')).toBe('%!(BADPREC)5')
    expect((await out('{{ printf "%1000000d|" 5 }}')).length).toBe(1_000_001)
  })
})

describe("as Go renders them (issue 13; expected outputs are Go 1.26 text/template's)", () => {
  const cases: [string, string, string][] = [
    [
      'printf rounds the exact binary value half to even',
      '{{ printf "%.0f %.0f %.0f %.2f %.2f" 0.5 1.5 2.5 1.125 2.675 }}',
      '0 2 2 1.12 2.67'
    ],
    [
      '% x puts spaces between bytes',
      '{{ printf "% x|% X|%#x|% #x" "hi" "hi" "hi" "hi" }}',
      '68 69|68 69|0x6869|0x68 0x69'
    ],
    ['%+q quotes to ASCII', '{{ printf "%+q|%q|%#q" "日本" "日本" "a`b" }}', '"\\u65e5\\u672c"|"日本"|"a`b"'],
    ['%#v prints Go syntax', '{{ printf "%#v|%#v|%#v|%#v" "s" 1 1.5 true }}', '"s"|1|1.5|true'],
    [
      '%x of a float is hexadecimal',
      '{{ printf "%x|%X|%x|%.2x" 1.5 1.5 -0.1 1.0 }}',
      '0x1.8p+00|0X1.8P+00|-0x1.999999999999ap-04|0x1.00p+00'
    ],
    ['%+v of an int has no sign', '{{ printf "%+v|%+d|%v" 5 5 -5 }}', '5|+5|-5'],
    ['argument indexes', '{{ printf "%[2]s-%[1]s|%[3]s" "a" "b" }}', 'b-a|%!s(BADINDEX)'],
    ['%c of an invalid code point is U+FFFD', '{{ printf "%c|%c|%c|%q" 65 1114112 -1 55296 }}', "A|�|�|'�'"],
    [
      'bad verbs, missing and extra arguments',
      '{{ printf "%z|%d|%s %d" 1 "x" 2 }}|{{ printf "%d" 1 2 nil }}',
      '%!z(int=1)|%!d(string=x)|%!s(int=2) %!d(MISSING)|1%!(EXTRA int=2, <nil>)'
    ],
    [
      '%v of floats: shortest digits, exponent from 1e+06 and below 1e-4',
      '{{ 1e6 }} {{ 12345678.0 }} {{ 1.0 }} {{ 100000.0 }} {{ 1e20 }} {{ 0.0001 }} {{ 0.00001 }}',
      '1e+06 1.2345678e+07 1 100000 1e+20 0.0001 1e-05'
    ],
    [
      'int64 bounds',
      '{{ 9223372036854775807 }} {{ -9223372036854775808 }}',
      '9223372036854775807 -9223372036854775808'
    ],
    ['nil data has no value', '{{ .Foo }} {{ .Foo.Bar }}', '<no value> <no value>'],
    [
      'js escapes unprintable runes',
      '{{ js "\\u2028\\u2029\\u00a0\\u200b\\ufeff<=>" }}',
      '\\u2028\\u2029\\u00A0\\u200B\\uFEFF\\u003C\\u003D\\u003E'
    ],
    [
      'html, js and urlquery of nil',
      '{{ html nil }}|{{ js nil }}|{{ urlquery nil }}',
      '&lt;no value&gt;|\\u003Cno value\\u003E|%3Cno+value%3E'
    ],
    [
      'define and template',
      '{{ define "a" }}A{{ . }}{{ end }}{{ template "a" 1 }}{{ template "a" }}',
      'A1A<no value>'
    ],
    ['block', '{{ block "b" "x" }}B{{ . }}{{ end }}', 'Bx'],
    [
      'a recursive template',
      '{{ define "r" }}{{ if . }}{{ . }}{{ template "r" (slice . 1) }}{{ end }}{{ end }}{{ template "r" "abc" }}',
      'abcbcc'
    ],
    ['range over an int with one variable', '{{ range $v := 3 }}{{ $v }}{{ end }}', '012']
  ]
  it.each(cases)('%s', async (_name, source, expected) => {
    expect(await render(source)).toBe(expected)
  })

  const errors: [string, string][] = [
    ['{{ eq 1 1.0 }}', 'int and float64 are different types'],
    ['{{ lt 1 1.5 }}', 'int and float64 are different types'],
    ['{{ 9223372036854775808 }}', 'overflows int'],
    ['{{ range $i, $v := 2 }}{{ end }}', 'an int ranges with one variable'],
    ['{{ template "missing" }}', 'no such template']
  ]
  it.each(errors)('%s is an error: %s', async source => {
    await renderError(source)
  })
})
