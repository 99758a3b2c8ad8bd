#!/usr/bin/env node
// The CLI: the action's own bundle (dist/index.js), given the command line instead of the runner's inputs.
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  process.stderr.write(
    `ecs-deploy-action: needs Node.js 24 or later (the action runs on node24); this is ${process.version}.\n` +
      '  From a clone, `npx ecs-deploy-action` uses the Node 24 that `npm ci` installs.\n'
  )
  process.exit(1)
}
globalThis[Symbol.for('ecs-deploy-action.cli')] = process.argv.slice(2)
await import('../dist/index.js')
