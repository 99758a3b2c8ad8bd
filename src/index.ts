import { run } from './main.js'

// bin/ecs-deploy-action.mjs (the CLI) loads this same bundle with its command line under this key.
const cli = (globalThis as Record<symbol, unknown>)[Symbol.for('ecs-deploy-action.cli')]
if (Array.isArray(cli)) await (await import('./cli/main.js')).runCli(cli as string[])
else await run()
