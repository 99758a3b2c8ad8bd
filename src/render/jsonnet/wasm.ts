/**
 * go-jsonnet, compiled to WebAssembly (scripts/jsonnet-wasm/), loaded once per process on the first Jsonnet
 * file. This module is only reached through a dynamic import, so a JSON/YAML project never loads it.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { brotliDecompressSync } from 'node:zlib'

/** The Go program's one export: synchronous; the callbacks are called synchronously from inside it. */
export type RawEvaluate = (
  request: string,
  importer: (path: string) => string,
  native: (name: string, args: string) => string
) => string

const WASM = 'jsonnet.wasm.br'
const GLUE = 'wasm_exec.js'

/** dist/ next to the bundle, or the repository's dist/ when running from src/ (tests). */
function assetDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [here, join(here, '..', '..', '..', 'dist')]
  const found = candidates.find(dir => existsSync(join(dir, WASM)) && existsSync(join(dir, GLUE)))
  if (found === undefined) {
    throw new Error(
      `the Jsonnet evaluator (${WASM}) is missing from ${candidates.join(' and ')}; run \`npm run build\``
    )
  }
  return found
}

// The lib setting has no WebAssembly types; the little used here.
interface WasmInstance {
  readonly exports: unknown
}
interface Wasm {
  instantiate(bytes: Uint8Array, imports: unknown): Promise<{ instance: WasmInstance }>
}

interface GoRuntime {
  argv: string[]
  env: Record<string, string>
  importObject: unknown
  run(instance: WasmInstance): Promise<void>
}

let loading: Promise<RawEvaluate> | undefined

export function loadEvaluator(): Promise<RawEvaluate> {
  return (loading ??= instantiate())
}

async function instantiate(): Promise<RawEvaluate> {
  const dir = assetDir()
  const scope = globalThis as unknown as { Go?: new () => GoRuntime } & Record<string, unknown>
  // Go's glue is a script that defines globalThis.Go; loaded at run time from dist/, not bundled.
  if (scope.Go === undefined) await import(/* webpackIgnore: true */ pathToFileURL(join(dir, GLUE)).href)
  const Go = scope.Go
  if (Go === undefined) throw new Error(`${GLUE} did not define Go`)
  const bytes = brotliDecompressSync(await readFile(join(dir, WASM)))
  const go = new Go()
  // The program sets its function under this name, which we take off globalThis again at once.
  const name = `__ecsDeployActionJsonnet${process.pid}`
  go.argv = ['jsonnet.wasm', name]
  go.env = {}
  // V8 recompiles hot wasm functions with its optimizing compiler; for the few small files of one run that
  // costs more than it saves (measured: the first evaluation takes a third of the CPU time without it). A
  // budget so high that it never triggers leaves go-jsonnet on the baseline compiler's code.
  try {
    setFlagsFromString('--wasm-tiering-budget=1000000000')
  } catch {
    // An engine without the flag tiers up as usual.
  }
  const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly
  const { instance } = await wasm.instantiate(bytes, go.importObject)
  // run() resolves when the program exits, which it never does: main blocks so the export stays callable.
  // Until then it runs synchronously up to that point, so the function is set when run() returns.
  void go.run(instance)
  const evaluate = scope[name] as RawEvaluate | undefined
  delete scope[name]
  if (typeof evaluate !== 'function') throw new Error('the Jsonnet evaluator did not start')
  return evaluate
}
