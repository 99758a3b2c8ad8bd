// Deliberate differences, kept out of the generators: complex constants (`1i`, refused here), and strings that
// are not UTF-8 (`"\xff"`: a JS string cannot hold the byte; each such byte is U+FFFD here, as Go's JSON
// decoder reads it), and recursion deeper than 1000 templates (Go allows 100000).
//
// Differential test: our text/template against Go's own, built from test/gotemplate/main.go (standard library
// only, with ecspresso's env/must_env/json_escape as go-config writes them). Generated templates (fast-check)
// and the fixed cases of issue 13 are rendered by both; output and error-ness must agree. Error messages may
// differ in wording. Skipped, saying why, where Go is not installed.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { builtinFunctions } from '../../src/render/functions.js'
import { renderTemplate } from '../../src/render/template/index.js'
import { goRender, goTemplateOracle, type GoCase, type GoResult } from '../../test/gotemplate/oracle.js'

const oracle = goTemplateOracle()
if (!oracle.ok) console.warn(oracle.reason)
const describeWithGo = oracle.ok ? describe : describe.skip

const ENV = { A: 'a', EMPTY: '', Q: 'say "hi" <b>\n', TAG: 'v1.2.3' }

async function ours(c: GoCase): Promise<GoResult> {
  try {
    const rendered = await renderTemplate(c.t, {
      file: 't',
      functions: builtinFunctions(c.env ?? {}),
      ...(c.data === undefined ? {} : { data: c.data })
    })
    return { out: rendered.text }
  } catch (error) {
    return { err: error instanceof Error ? error.message : String(error) }
  }
}

/** Renders with both and returns a line per disagreement (output, or whether it fails). */
async function disagreements(cases: readonly GoCase[], counts?: { errors: number }): Promise<string[]> {
  if (!oracle.ok) throw new Error(oracle.reason)
  const theirs = goRender(oracle.binary, cases)
  if (counts) counts.errors = theirs.filter(r => 'err' in r).length
  const out: string[] = []
  for (const [i, c] of cases.entries()) {
    const go = theirs[i]!
    const mine = await ours(c)
    const same = 'out' in go ? 'out' in mine && mine.out === go.out : 'err' in mine
    if (!same)
      out.push(
        `${JSON.stringify(c.t)}${c.data === undefined ? '' : ` data=${JSON.stringify(c.data)}`}\n  go:   ${JSON.stringify(go)}\n  ours: ${JSON.stringify(mine)}`
      )
  }
  return out
}

// ---- generators ----

/** Literals as a template writes them: ints, floats, runes, strings, bools, nil (Go types them by syntax). */
const INT_LITERALS = [
  '0',
  '1',
  '-1',
  '7',
  '42',
  '-42',
  '255',
  '1000000',
  '0x1F',
  '0X1f',
  '017',
  '0o17',
  '0b101',
  '1_000',
  "'a'",
  "'日'",
  '9223372036854775807',
  '-9223372036854775808',
  '9007199254740993',
  '65',
  '0x10FFFF',
  '0x110000',
  '0xD800'
]
const FLOAT_LITERALS = [
  '1.0',
  '1.5',
  '-1.5',
  '0.5',
  '2.5',
  '1.125',
  '2.675',
  '0.1',
  '1e6',
  '1e-7',
  '12345678.0',
  '123456.0',
  '1e20',
  '1e21',
  '1e100',
  '.5',
  '3.14159',
  '-0.0',
  '0x1p-2',
  '1.7976931348623157e308',
  '5e-324',
  '100.0',
  '0.000123',
  '1e+06'
]
const STRING_LITERALS = [
  '""',
  '"a"',
  '"hello"',
  '"日本語"',
  '"a\\"b"',
  '"tab\\tnl\\n"',
  '"<&>\'"',
  '"\\u2028\\u00a0\\u200b"',
  '"\\x00"',
  '"%d"',
  '"é"',
  '"😀"',
  '"A"',
  '"abc"',
  '`raw\\n`',
  '"\\x7f\\u00ad"'
]
const OTHER_LITERALS = ['true', 'false', 'nil']
const OVERFLOW = ['9223372036854775808', '-9223372036854775809', '18446744073709551615']

const intLit = fc.constantFrom(...INT_LITERALS)
const floatLit = fc.constantFrom(...FLOAT_LITERALS)
const stringLit = fc.constantFrom(...STRING_LITERALS)
const anyLit = fc.oneof(
  { weight: 3, arbitrary: intLit },
  { weight: 3, arbitrary: floatLit },
  { weight: 3, arbitrary: stringLit },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_LITERALS) }
)
const anyLitOrOverflow = fc.oneof(
  { weight: 20, arbitrary: anyLit },
  { weight: 1, arbitrary: fc.constantFrom(...OVERFLOW) }
)

const flags = fc.subarray(['+', '-', '#', ' ', '0']).map(f => f.join(''))
const width = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 14 }).map(String), fc.constant('*'))
const precision = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant('.') },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 12 }).map(n => `.${n}`) },
  { weight: 1, arbitrary: fc.constant('.*') }
)
const verb = fc.constantFrom(...'vdsqxXofFeEgGtcbUTOz%'.split(''), '+v', '#v')
const argIndex = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }).map(n => `[${n}]`) }
)

const directive = fc.tuple(flags, argIndex, width, precision, verb).map(([f, a, w, p, v]) => {
  // `%+v` / `%#v` carry their flag in the verb arbitrary; put it with the others.
  const extra = v.length === 2 ? v[0]! : ''
  return `%${f}${extra}${a}${w}${p}${v.slice(-1)}`
})

const printfCall = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('', '', '-', ' ', '|'), directive), { minLength: 1, maxLength: 3 }),
    fc.array(anyLit, { maxLength: 4 })
  )
  .map(([parts, args]) => {
    const format = parts.map(([text, d]) => text + d).join('')
    return `{{ printf ${JSON.stringify(format)}${args.map(a => ' ' + a).join('')} }}`
  })

// Mostly operands of one type (so the answer is a value), sometimes of any two (so it is often an error).
const sameType = fc.oneof(intLit, floatLit, stringLit, fc.constantFrom('true', 'false')).chain(first => {
  const pool = INT_LITERALS.includes(first)
    ? intLit
    : FLOAT_LITERALS.includes(first)
      ? floatLit
      : STRING_LITERALS.includes(first)
        ? stringLit
        : fc.constantFrom('true', 'false')
  return fc.tuple(fc.constant(first), pool)
})
const comparison = fc
  .tuple(
    fc.constantFrom('eq', 'ne', 'lt', 'le', 'gt', 'ge'),
    fc.oneof({ weight: 3, arbitrary: sameType }, { weight: 1, arbitrary: fc.tuple(anyLit, anyLit) }),
    fc.option(anyLit, { nil: undefined, freq: 4 })
  )
  .map(([op, [a, b], c]) => `{{ ${op} ${a} ${b}${c === undefined ? '' : ` ${c}`} }}`)

const printValue = anyLitOrOverflow.map(v => `{{ ${v} }}`)

const builtinCall = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'print',
        'println',
        'html',
        'js',
        'urlquery',
        'len',
        'not',
        'and',
        'or',
        'index',
        'slice'
      ),
      fc.array(anyLit, { maxLength: 3 })
    )
    .map(([f, args]) => `{{ ${f}${args.map(a => ' ' + a).join('')} }}`),
  fc
    .tuple(fc.constantFrom('html', 'js', 'urlquery', 'print', 'len'), anyLit)
    .map(([f, a]) => `{{ ${a} | ${f} }}`),
  fc
    .tuple(stringLit, fc.integer({ min: -1, max: 4 }), fc.integer({ min: -1, max: 4 }))
    .map(([s, i, j]) => `{{ slice ${s} ${i} ${j} }}|{{ index ${s} ${i} }}`)
)

const envCall = fc.oneof(
  fc
    .array(fc.constantFrom('"A"', '"EMPTY"', '"UNSET"', '"Q"', '"default"', '1'), { maxLength: 3 })
    .map(args => `{{ env${args.map(a => ' ' + a).join('')} }}`),
  fc.constantFrom('"A"', '"EMPTY"', '"UNSET"', '"TAG"', '1', '"A" "B"').map(a => `{{ must_env ${a} }}`),
  fc.constantFrom('"Q"', '"A"', '"TAG"').map(a => `{{ must_env ${a} | json_escape }}`),
  fc
    .constantFrom('"a\\"b\\\\c"', '"<tag>&"', '"\\u2028x"', '1', '"\\x00\\x1f"', '"é"')
    .map(a => `{{ json_escape ${a} }}`)
)

/** Bodies that print something simple, used inside control structures. */
const leaf = fc.oneof(
  fc.constant('x'),
  fc.constant('{{ . }}'),
  fc.constant('{{ $ }}'),
  printValue,
  fc.constant('{{ printf "%v:%T" . . }}'),
  fc.constant('{{ len . }}')
)

const trim = fc.constantFrom(['{{ ', ' }}'], ['{{- ', ' -}}'], ['{{- ', ' }}'], ['{{ ', ' -}}'], ['{{', '}}'])

// Small counts only: Go has no step limit, and `range 9223372036854775807` would never end there.
const rangeOver = fc.constantFrom(
  '3',
  '0',
  '-2',
  "'\\x03'",
  '0x2',
  '1.5',
  '1.0',
  '"ab"',
  'nil',
  'true',
  '.L',
  '.M',
  '.E',
  '.S',
  '.N',
  '.Missing',
  '(slice "abc" 1)'
)

const control: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom('if', 'with'), anyLit, leaf, fc.option(leaf, { nil: undefined }), trim)
    .map(
      ([kw, cond, body, other, [l, r]]) =>
        `a ${l}${kw} ${cond}${r} ${body} ${other === undefined ? '' : `${l}else${r} ${other} `}${l}end${r} b`
    ),
  fc
    .tuple(
      fc.constantFrom('', '$v := ', '$i, $v := ', '$v = '),
      rangeOver,
      leaf,
      fc.boolean(),
      fc.constantFrom('', '{{ break }}', '{{ continue }}', '{{ if eq $ $ }}{{ break }}{{ end }}')
    )
    .map(([decl, over, body, withElse, ctl]) => {
      const pre = decl === '$v = ' ? '{{ $v := 0 }}' : ''
      const use = decl.includes('$i') ? '{{ $i }}={{ $v }}' : decl ? '{{ $v }}' : ''
      return `${pre}{{ range ${decl}${over} }}[${body}${use}${ctl}]${withElse ? `{{ else }}none${use}` : ''}{{ end }}${decl === '$v = ' ? '{{ $v }}' : ''}`
    }),
  fc
    .tuple(fc.constantFrom('"x"', '"y"'), leaf, fc.constantFrom('.', '"arg"', '1.5', 'nil', ''))
    .map(
      ([name, body, arg]) => `{{ define "x" }}<${body}>{{ end }}{{ template ${name}${arg ? ` ${arg}` : ''} }}`
    ),
  fc
    .tuple(leaf, fc.constantFrom('.', '"arg"', '3', ''), fc.boolean())
    .map(
      ([body, arg, redefine]) =>
        `${redefine ? '{{ define "b" }}redefined {{ . }}{{ end }}' : ''}{{ block "b"${arg ? ` ${arg}` : ''} }}(${body}){{ end }}`
    ),
  fc
    .tuple(anyLit, fc.constantFrom('print', 'printf "%v"', 'len', 'html', 'printf "%T"', 'not'))
    .map(([v, f]) => `{{ $x := ${v} }}{{ $x | ${f} }}{{ ($x) }}`)
)

const dataRef = fc.constantFrom(
  '.',
  '.S',
  '.L',
  '.M',
  '.E',
  '.B',
  '.N',
  '.Missing',
  '.M.k',
  '.L.x',
  '$',
  '$.S',
  '.S.x',
  '.N.x',
  '.Missing.x'
)
const dataUse = fc.oneof(
  fc.tuple(directive, dataRef).map(([d, r]) => `{{ printf ${JSON.stringify(d)} ${r} }}`),
  fc
    .tuple(
      fc.constantFrom(
        'len',
        'print',
        'html',
        'js',
        'not',
        'index',
        'printf "%T"',
        'eq "str"',
        'eq .S',
        'and',
        'or'
      ),
      dataRef
    )
    .map(([f, r]) => `{{ ${f} ${r} }}`),
  fc.tuple(dataRef, fc.constantFrom('0', '1', '"k"', '"a"', '-1')).map(([r, k]) => `{{ index ${r} ${k} }}`),
  fc.tuple(dataRef, leaf).map(([r, body]) => `{{ with ${r} }}${body}{{ else }}empty{{ end }}`),
  fc.tuple(dataRef, leaf).map(([r, body]) => `{{ range $k, $v := ${r} }}{{ $k }}:{{ $v }}/${body};{{ end }}`),
  dataRef.map(r => `{{ ${r} }}`)
)

const pipeline = fc
  .tuple(
    anyLit,
    fc.array(
      fc.constantFrom(
        'print',
        'printf "%v"',
        'printf "%q"',
        'len',
        'html',
        'js',
        'urlquery',
        'println',
        'not',
        'print 1',
        'printf "%d-%s" 1',
        'json_escape',
        'eq 1',
        'slice "abc"'
      ),
      { minLength: 1, maxLength: 3 }
    )
  )
  .map(([v, fs]) => `{{ ${v} | ${fs.join(' | ')} }}|{{ print (${[v, ...fs].join(' | ')}) }}`)

/** Any float64 as a constant (always with `.` or `e`, so Go types it float64). */
const anyFloat = fc.double({ noNaN: true, noDefaultInfinity: true }).map(x => {
  const text = String(x)
  return /[.e]/.test(text) ? text : `${text}.0`
})
const anyInt = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String)
const numberFormat = fc
  .tuple(
    fc.constantFrom('e', 'E', 'f', 'F', 'g', 'G', 'x', 'X', 'v', 'b', 'd', 'o', 'O', 'c', 'q', 'U'),
    flags,
    fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 30 }).map(n => `.${n}`)
    ),
    fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 30 }).map(String))
  )
  .map(([v, f, p, w]) => `%${f}${w}${p}${v}`)
const numbers = fc.oneof(
  fc.tuple(numberFormat, anyFloat).map(([format, x]) => `{{ printf "${format}" ${x} }}|{{ ${x} }}`),
  fc.tuple(numberFormat, anyInt).map(([format, n]) => `{{ printf "${format}" ${n} }}|{{ ${n} }}`),
  /** Decimal ties and near-ties: where rounding half to even shows. */
  fc
    .tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }))
    .map(
      ([n, scale, prec]) =>
        `{{ printf "%.${prec}f|%.${prec}e|%.${prec + 1}g" ${(n / 10 ** scale).toFixed(scale)}5 ${(n / 10 ** scale).toFixed(scale)}5 ${(n / 10 ** scale).toFixed(scale)}5 }}`
    )
)

/** Format strings from the characters fmt parses: flags, widths, indexes, stars, verbs. */
const formatSoup = fc
  .tuple(
    fc.array(fc.constantFrom(...'%%%[]*.-+# 0123v d s x q T ! é'.split(' ').join('').split('')), {
      maxLength: 12
    }),
    fc.array(anyLit, { maxLength: 3 })
  )
  .map(([chars, args]) => `{{ printf ${JSON.stringify(chars.join(''))}${args.map(a => ' ' + a).join('')} }}`)

/** Token soup: mostly broken templates, so parse errors are compared too. */
const soup = fc
  .array(
    fc.constantFrom(
      '{{',
      '}}',
      '{{- ',
      ' -}}',
      '(',
      ')',
      '|',
      '$x',
      '$',
      ':=',
      '=',
      ' ',
      ' ',
      '.',
      '.A',
      '"s"',
      '1',
      '1.5',
      'nil',
      'if',
      'end',
      'else',
      'range',
      'with',
      'define',
      'template',
      'block',
      'break',
      'continue',
      'print',
      'len',
      ',',
      '/*',
      '*/',
      '`r`',
      '"}}"',
      '"{{"',
      '$x.y',
      '.A.B',
      ').x',
      '\t',
      '\r\n',
      '{{/* c */}}',
      '"\\n"',
      'printf',
      '"%d"',
      'and',
      'eq',
      "'c'",
      'x',
      '\n',
      '-'
    ),
    { minLength: 1, maxLength: 14 }
  )
  .chain(parts => fc.tuple(fc.constant(parts), fc.boolean()))
  .map(([parts, close]) => `{{ ${parts.join(' ')}${close ? ' }}' : ''}`)

/** else-if / else-with chains, comments, scoping of variables, and trim markers around white space. */
const structure = fc.oneof(
  fc
    .tuple(fc.constantFrom('if', 'with'), anyLit, anyLit, leaf, leaf, leaf)
    .map(([kw, a, b, x, y, z]) => `{{ ${kw} ${a} }}${x}{{ else ${kw} ${b} }}${y}{{ else }}${z}{{ end }}`),
  fc
    .tuple(
      trim,
      fc.constantFrom(' ', '\n', ' \n\t ', '', 'x \n'),
      fc.constantFrom('/* c */', '/* multi\nline */', '"v"', '$x')
    )
    .map(
      ([[l, r], ws, inner]) =>
        `{{ $x := 1 }}a${ws}${l.replace(' ', '')}${inner === '"v"' || inner === '$x' ? ' ' + inner + ' ' : inner}${r.replace(' ', '')}${ws}b`
    ),
  fc
    .tuple(anyLit, anyLit)
    .map(
      ([a, b]) =>
        `{{ $x := ${a} }}{{ if true }}{{ $x := ${b} }}{{ $x }}{{ end }}{{ $x }}{{ with $y := ${b} }}{{ $y }}{{ $x = $y }}{{ end }}{{ $x }}`
    ),
  fc
    .tuple(fc.constantFrom('if', 'with'), anyLit, leaf)
    .map(([kw, v, body]) => `{{ ${kw} $v := ${v} }}${body}{{ $v }}{{ else }}{{ $v }}|${body}{{ end }}`),
  fc
    .tuple(leaf, anyLit)
    .map(([body, arg]) => `{{ define "d" }}{{ $ }}|${body}{{ end }}{{ $x := 1 }}{{ template "d" ${arg} }}`),
  fc
    .tuple(anyLit, fc.constantFrom('1', '2', '0'))
    .map(([v, n]) => `{{ range $i, $e := slice "abc" ${n} }}{{ $i }}{{ $e }}{{ $e = ${v} }}{{ $e }}{{ end }}`)
)

const anyTemplate = fc.oneof(
  { weight: 3, arbitrary: numbers },
  { weight: 2, arbitrary: formatSoup },
  { weight: 3, arbitrary: structure },
  { weight: 2, arbitrary: dataUse },
  { weight: 2, arbitrary: pipeline },
  { weight: 2, arbitrary: soup },
  { weight: 5, arbitrary: printfCall },
  { weight: 3, arbitrary: comparison },
  { weight: 2, arbitrary: printValue },
  { weight: 3, arbitrary: builtinCall },
  { weight: 2, arbitrary: envCall },
  { weight: 4, arbitrary: control }
)

// No numbers in the data: Go decodes JSON numbers as float64, while ours are ints when integral. ecspresso
// renders with nil data, so numbers only ever come from constants there.
const DATA = { S: 'str', L: ['a', 'b', 'c'], M: { k: 'v', a: 'b' }, E: [], B: true, N: null }

/** The differences issue 13 lists, each rendered by Go too. */
export const FIXED_CASES: readonly string[] = [
  '{{ printf "%.0f %.0f %.0f %.2f %.2f" 0.5 1.5 2.5 1.125 2.675 }}',
  '{{ printf "% x|% X|%x" "hi" "hi" "hi" }}',
  '{{ printf "%+q|%q|%#q" "日本" "日本" "a`b" }}',
  '{{ printf "%#v|%#v|%#v|%#v" "s" 1 1.5 true }}',
  '{{ printf "%x|%X|%x|%x" 1.5 1.5 1.0 -0.1 }}',
  '{{ printf "%+v|%+d|%v" 5 5 -5 }}',
  '{{ printf "%[2]s-%[1]s" "a" "b" }}',
  '{{ printf "%[3]s|%[0]d|%[x]d" "a" }}',
  '{{ printf "%c|%c|%c" 65 1114112 -1 }}',
  '{{ printf "%z|%d|%s" 1 "x" 2 }}',
  '{{ printf "%d %d" 1 }}',
  '{{ printf "%d" 1 2 "x" nil }}',
  '{{ printf "%!" }}',
  '{{ printf "%10.3f|%-10s|%010d|%+.2e" 3.14159 "x" -42 12345.678 }}',
  '{{ eq 1 1.0 }}',
  '{{ lt 1 1.5 }}',
  '{{ eq 1.5 1.5 }} {{ lt 1.0 1.5 }} {{ eq 1 1 }}',
  '{{ 9223372036854775808 }}',
  '{{ 9223372036854775807 }} {{ -9223372036854775808 }}',
  '{{ 1e6 }} {{ 12345678.0 }} {{ 1.0 }} {{ 100000.0 }} {{ 1e20 }} {{ 1e21 }} {{ 0.0001 }} {{ 0.00001 }}',
  '{{ .Foo }}',
  '{{ .Foo.Bar }}',
  '{{ js "\u2028\u2029\u00a0\u200b\u200c\u200d\ufeff" }}',
  '{{ js "<>&=\'\\"`\\\\" }}',
  '{{ html nil }}|{{ html }}|{{ js nil }}|{{ urlquery nil }}',
  '{{ range $i, $v := 2 }}{{ end }}',
  '{{ range $v := 2 }}{{ $v }}{{ end }}',
  '{{ define "a" }}A{{ . }}{{ end }}{{ template "a" 1 }}{{ template "a" }}',
  '{{ block "b" "x" }}B{{ . }}{{ end }}',
  '{{ define "b" }}D{{ end }}{{ block "b" . }}B{{ end }}',
  '{{ template "missing" }}',
  '{{ range $x := 0 }}{{ else }}{{ $x }}{{ end }}|{{ $y := 9 }}{{ range $y = 3 }}{{ $y }}{{ end }}{{ $y }}',
  // go-config names the file's template "conf"
  '{{ define "conf" }}inner{{ end }}outer',
  '{{ define "conf" }}X{{ end }}',
  '{{ template "conf" }}',
  '{{ define "r" }}{{ if . }}{{ . }}{{ template "r" (slice . 1) }}{{ end }}{{ end }}{{ template "r" "abc" }}'
]

describeWithGo('text/template, against Go', () => {
  it('renders the cases of issue 13 as Go does', async () => {
    expect(
      await disagreements([...FIXED_CASES.map(t => ({ t })), ...FIXED_CASES.map(t => ({ t, data: DATA }))])
    ).toEqual([])
  })

  it('renders generated templates as Go does (output and error-ness)', async () => {
    // FC_SEED and FC_RUNS explore further than the default run does.
    const seed = Number(process.env['FC_SEED'] ?? 20261202)
    const numRuns = Number(process.env['FC_RUNS'] ?? 3000)
    const templates = fc.sample(
      fc.array(anyTemplate, { minLength: 1, maxLength: 3 }).map(parts => parts.join('\n')),
      { seed, numRuns }
    )
    const cases = templates.map((t, i): GoCase =>
      i % 3 === 0 ? { t, env: ENV, data: DATA } : { t, env: ENV }
    )
    const counts = { errors: 0 }
    const found = await disagreements(cases, counts)
    expect(found.slice(0, 15)).toEqual([])
    // Both outcomes are common, so the comparison means something.
    expect(counts.errors).toBeGreaterThan(numRuns / 20)
    expect(numRuns - counts.errors).toBeGreaterThan(numRuns / 3)
  })
})
