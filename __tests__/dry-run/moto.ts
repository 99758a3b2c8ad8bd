/** Starts `moto_server` on a free local port for a test file; undefined when moto is not installed. */
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'

export interface MotoServer {
  readonly endpoint: string
  close(): Promise<void>
}

export function motoInstalled(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

export async function startLocalMoto(): Promise<MotoServer> {
  const port = await freePort()
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  const endpoint = `http://127.0.0.1:${port}`
  // Readiness: poll moto's own API until it answers (start-up takes about a second).
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`)
      if (res.ok || res.status < 500) break
    } catch {
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
  return {
    endpoint,
    close: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await exited
    }
  }
}
