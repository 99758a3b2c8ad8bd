/**
 * A Jsonnet config or definition, read as ecspresso reads it: Jsonnet is evaluated first, then Go templates
 * run on the JSON it printed (so `{{ must_env `X` }}` inside a Jsonnet string works), then the JSON is parsed.
 * Reached only through a dynamic import, so JSON/YAML projects load none of this.
 */
import { parseRendered, RenderedPositions, type ParsedDocument } from '../document.js'
import type { SecretSink } from '../functions.js'
import { renderTemplate, type FunctionMap } from '../template/index.js'
import { evaluateJsonnet } from './index.js'
import { envNatives, pluginNatives } from './natives.js'

export interface JsonnetContext {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly secrets?: SecretSink | undefined
  readonly redactEnv?: boolean | undefined
  /** The ext-str and ext-code inputs (`std.extVar`). */
  readonly extStr?: Readonly<Record<string, string>> | undefined
  readonly extCode?: Readonly<Record<string, string>> | undefined
}

export interface JsonnetFile {
  /** The file as shown to people, relative to the working directory; imports resolve from it. */
  readonly shown: string
  readonly source: string
}

/**
 * Evaluates, templates and parses one file. `functions` are the template functions for the second step;
 * with `plugins`, the plugin natives are registered too (definitions; ecspresso's config has env and
 * must_env only, its plugins not being set up yet).
 */
export async function renderJsonnetDocument(
  file: JsonnetFile,
  functions: FunctionMap,
  context: JsonnetContext,
  plugins?: FunctionMap
): Promise<ParsedDocument> {
  const natives = {
    ...(plugins ? pluginNatives(plugins) : {}),
    ...envNatives({ env: context.env, secrets: context.secrets, redactEnv: context.redactEnv })
  }
  const json = await evaluateJsonnet({
    file: file.shown,
    source: file.source,
    extStr: context.extStr ?? {},
    extCode: context.extCode ?? {},
    natives
  })
  // Positions after this point are in the JSON Jsonnet printed, not in the file: say so.
  const output = `${file.shown} (as Jsonnet printed it)`
  const rendered = await renderTemplate(json, { file: output, functions })
  const parsed = parseRendered(
    new RenderedPositions(output, rendered.text, rendered.lineMap, rendered.templatePosition),
    'json'
  )
  return { value: parsed.value, locate: () => ({ file: file.shown }) }
}
