// jest loads its globalSetup with Node's own loader, outside its transform and module map. Node 24 strips the
// types itself; the emulator's loader maps the sources' `./x.js` imports to their `.ts` files.
import { register } from 'node:module'

export default async function globalSetup() {
  register('../emulator/ts-loader.mjs', import.meta.url)
  const { default: setup } = await import('../global-setup.ts')
  await setup()
}
