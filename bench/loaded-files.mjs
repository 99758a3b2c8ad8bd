// Preloaded with `node --import` to list every file module the process loads (the bundle's chunks included),
// one file: URL a line, in LOADED_FILES_LOG. Used to check that a command loads only the code it needs.
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const log = process.env.LOADED_FILES_LOG
if (log) {
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) appendFileSync(log, `${url}\n`)
      return nextLoad(url, context)
    }
  })
}
