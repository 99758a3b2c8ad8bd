/**
 * One endpoint for every AWS service a black-box run calls: ECS, CodeDeploy and Application Auto Scaling go
 * to the emulator, everything else (IAM, ECR, SSM, Secrets Manager, CloudWatch Logs, ELBv2, EC2) to moto
 * server. Each request is logged as its IAM action (`iam:GetRole`), read from the SigV4 credential scope
 * (the signing name) and the operation (X-Amz-Target for JSON protocols, `Action=` for query protocols).
 *
 *   const proxy = await startAwsProxy({ emulator: emu.endpoint, moto: moto.endpoint })
 *   runAction({ env: { AWS_ENDPOINT_URL: proxy.endpoint } }); proxy.actions() // ['ecs:DescribeClusters', …]
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ProxiedCall {
  /** The IAM action, e.g. `elasticloadbalancing:DescribeTargetGroups`. */
  readonly action: string
  readonly status: number
}

export interface AwsProxy {
  readonly endpoint: string
  readonly calls: ProxiedCall[]
  /** Distinct IAM actions called, in first-call order. */
  actions(): string[]
  /** Calls that could change state (not Describe/List/Get/BatchGet/Head). */
  writes(): ProxiedCall[]
  clear(): void
  close(): Promise<void>
}

const EMULATED = new Set(['ecs', 'codedeploy', 'application-autoscaling'])

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** The IAM action of a signed request. */
export function actionOf(headers: IncomingMessage['headers'], body: string): string {
  const auth = String(headers.authorization ?? '')
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)
  const service = scope?.[1] ?? 'unknown'
  const target = String(headers['x-amz-target'] ?? '')
  const operation = target
    ? target.slice(target.lastIndexOf('.') + 1)
    : (new URLSearchParams(body).get('Action') ?? 'unknown')
  return `${service}:${operation}`
}

export async function startAwsProxy(targets: { emulator: string; moto: string }): Promise<AwsProxy> {
  const calls: ProxiedCall[] = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const action = actionOf(req.headers, body.toString('utf8'))
      const service = action.slice(0, action.indexOf(':'))
      const upstream = new URL(EMULATED.has(service) ? targets.emulator : targets.moto)
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host }
        },
        reply => {
          calls.push({ action, status: reply.statusCode ?? 0 })
          res.writeHead(reply.statusCode ?? 502, reply.headers)
          reply.pipe(res)
        }
      )
      forward.on('error', error => {
        calls.push({ action, status: 502 })
        res.writeHead(502)
        res.end(String(error))
      })
      forward.end(body)
    })()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    actions: () => [...new Set(calls.map(c => c.action))],
    writes: () => calls.filter(c => !/:(Describe|List|Get|BatchGet|Head)/.test(c.action)),
    clear: () => void calls.splice(0),
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
