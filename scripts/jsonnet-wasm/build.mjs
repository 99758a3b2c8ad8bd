// Builds go-jsonnet for WebAssembly into dist/, reproducibly: the same bytes on every machine, so CI's
// freshness check can compare dist/ after `npm run build`.
//
//   dist/jsonnet.wasm.br   this directory's main.go (go-jsonnet, pinned in go.mod), brotli-compressed
//   dist/wasm_exec.js      Go's JavaScript glue for GOOS=js, from the same toolchain
//   dist/licenses.txt      gains the licenses of Go and of every module linked into the wasm
//
// Reproducible because: the Go toolchain is pinned (GOTOOLCHAIN; `go` fetches it if the installed one
// differs), modules are pinned by go.mod/go.sum, -trimpath drops paths, -buildvcs=false drops the commit,
// and brotli has no timestamp in its output. The compressed file is cached by the wasm's hash (under .cache/)
// because brotli's best level takes seconds.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants } from 'node:zlib'

export const GO_TOOLCHAIN = 'go1.26.8'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const dist = join(root, 'dist')
const cache = join(root, '.cache', 'jsonnet-wasm')
mkdirSync(cache, { recursive: true })
mkdirSync(dist, { recursive: true })

const env = {
  ...process.env,
  GOTOOLCHAIN: GO_TOOLCHAIN,
  GOOS: 'js',
  GOARCH: 'wasm',
  CGO_ENABLED: '0',
  GOFLAGS: '-mod=readonly',
  GOWASM: '',
  GOEXPERIMENT: ''
}
const go = (...args) => execFileSync('go', args, { cwd: here, env, encoding: 'utf8' }).trim()

const wasmPath = join(cache, 'jsonnet.wasm')
go('build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', wasmPath, '.')
const wasm = readFileSync(wasmPath)
const hash = createHash('sha256').update(wasm).digest('hex')
const compressedPath = join(cache, `${hash}.wasm.br`)
if (!existsSync(compressedPath)) {
  const compressed = brotliCompressSync(wasm, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length
    }
  })
  writeFileSync(compressedPath, compressed)
}
copyFileSync(compressedPath, join(dist, 'jsonnet.wasm.br'))

const goroot = go('env', 'GOROOT')
copyFileSync(join(goroot, 'lib', 'wasm', 'wasm_exec.js'), join(dist, 'wasm_exec.js'))

// Licenses: Go's (wasm_exec.js and the runtime in the wasm) and each module linked in, in a fixed order.
const modules = go('list', '-deps', '-f', '{{with .Module}}{{.Path}} {{.Dir}}{{end}}', '.')
  .split('\n')
  .filter(line => line !== '' && !line.startsWith('ecs-deploy-action/'))
const unique = [...new Set(modules)].sort()
let text = `\njsonnet.wasm.br, wasm_exec.js (Go ${GO_TOOLCHAIN.slice(2)})\nBSD-3-Clause\n${readFileSync(join(goroot, 'LICENSE'), 'utf8')}`
for (const line of unique) {
  const [path, dir] = line.split(' ')
  const license = ['LICENSE', 'LICENSE.txt', 'COPYING'].map(n => join(dir, n)).find(existsSync)
  if (!license) throw new Error(`no license file for ${path} in ${dir}`)
  text += `\n${path} (in jsonnet.wasm.br)\n${readFileSync(license, 'utf8')}`
}
appendFileSync(join(dist, 'licenses.txt'), text)
