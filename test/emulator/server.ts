/** The HTTP side: one port, AWS JSON 1.1, dispatch on the X-Amz-Target prefix, request log, faults. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Operation } from './ecs-api.js'
import type { FaultRule, Faults } from './faults.js'
import { AwsError, type Json } from './util.js'

export interface LoggedRequest {
  /** `ecs`, `codedeploy`, `autoscaling` or `logs`. */
  service: string
  operation: string
  params: Json
  /** Virtual time (ms since the epoch) the request arrived. */
  time: number
  /** Could it change state? Describe/List/Get/BatchGet calls cannot. */
  write: boolean
  /** The fault injected into it, if one was. */
  fault?: string
  /** The error type replied, if the operation failed (faults excluded). */
  error?: string
  /** Refused by the rate limits (`rateLimits`), as ECS throttles. */
  throttled?: boolean
}

export interface ServiceTable {
  service: string
  operations: Record<string, Operation>
}

export const TARGET_PREFIXES: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  CodeDeploy_20141006: 'codedeploy',
  AnyScaleFrontendService: 'autoscaling',
  Logs_20140328: 'logs'
}

export function isWrite(operation: string): boolean {
  return !/^(Describe|List|Get|BatchGet|Filter)/.test(operation)
}

export interface ServerOptions {
  tables: Record<string, ServiceTable>
  faults: Faults
  log: LoggedRequest[]
  now(): number
  /** Brings the simulation up to now before a request is served. */
  sync(): void
  requestId(): string
  accountId: string
  /** The port to listen on; 0 or unset picks a free one. */
  port?: number | undefined
  /** ECS's request throttling; absent: no limits. */
  throttle?: { take(service: string, operation: string): boolean } | undefined
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  errorType?: string
): void {
  const text = JSON.stringify(body)
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId
  }
  if (errorType) headers['x-amzn-errortype'] = errorType
  res.writeHead(status, headers)
  res.end(text)
}

const IAM_PREFIX: Record<string, string> = {
  ecs: 'ecs',
  codedeploy: 'codedeploy',
  autoscaling: 'application-autoscaling',
  logs: 'logs'
}

function faultError(rule: FaultRule, service: string, operation: string, accountId: string): AwsError {
  switch (rule.kind) {
    case 'access-denied': {
      const action = `${IAM_PREFIX[service] ?? service}:${operation}`
      return new AwsError(
        rule.errorType ?? 'AccessDeniedException',
        rule.message ??
          `User: arn:aws:sts::${accountId}:assumed-role/github-actions/deploy is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`,
        rule.status ?? 400
      )
    }
    case 'throttle':
      return new AwsError(
        rule.errorType ?? 'ThrottlingException',
        rule.message ?? 'Rate exceeded',
        rule.status ?? 400
      )
    case 'server-error':
      return new AwsError(
        rule.errorType ?? (rule.status === 503 ? 'ServiceUnavailableException' : 'InternalFailure'),
        rule.message ?? 'We encountered an internal error. Please try again.',
        rule.status ?? 500
      )
    default:
      return new AwsError(
        rule.errorType ?? 'AccessDeniedException',
        rule.message ?? 'User is not authorized to perform this operation',
        rule.status ?? 400
      )
  }
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export async function startServer(options: ServerOptions): Promise<{ server: Server; endpoint: string }> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = options.requestId()
    const raw = await readBody(req)
    const target = String(req.headers['x-amz-target'] ?? '')
    const dot = target.indexOf('.')
    const prefix = target.slice(0, dot)
    const operation = target.slice(dot + 1)
    const table = options.tables[prefix]
    if (req.method !== 'POST' || !table || dot < 0) {
      reply(
        res,
        400,
        { __type: 'UnknownOperationException', message: `Unknown target: ${target}` },
        requestId,
        'UnknownOperationException'
      )
      return
    }
    let params: Json
    try {
      params = raw === '' ? {} : (JSON.parse(raw) as Json)
    } catch {
      reply(
        res,
        400,
        { __type: 'SerializationException', message: 'Invalid JSON' },
        requestId,
        'SerializationException'
      )
      return
    }
    options.sync()
    const entry: LoggedRequest = {
      service: table.service,
      operation,
      params,
      time: options.now(),
      write: isWrite(operation)
    }
    options.log.push(entry)
    const handler = table.operations[operation]
    if (!handler) {
      entry.error = 'UnknownOperationException'
      reply(
        res,
        400,
        { __type: 'UnknownOperationException', message: `${operation} is not supported by the emulator` },
        requestId,
        'UnknownOperationException'
      )
      return
    }
    if (options.throttle && !options.throttle.take(table.service, operation)) {
      entry.error = 'ThrottlingException'
      entry.throttled = true
      reply(
        res,
        400,
        { __type: 'ThrottlingException', message: 'Rate exceeded' },
        requestId,
        'ThrottlingException'
      )
      return
    }
    const fault = options.faults.pick(table.service, operation)
    if (fault) entry.fault = fault.kind
    if (fault?.kind === 'delay') {
      await sleep(fault.delayMs ?? 100)
      options.sync()
    } else if (fault && fault.when !== 'after') {
      if (fault.kind === 'drop') {
        req.socket.destroy()
        return
      }
      const error = faultError(fault, table.service, operation, options.accountId)
      reply(res, error.status, { __type: error.type, message: error.message }, requestId, error.type)
      return
    }
    let body: unknown
    try {
      body = handler(params)
    } catch (error) {
      if (!(error instanceof AwsError)) throw error
      entry.error = error.type
      reply(res, error.status, { __type: error.type, message: error.message }, requestId, error.type)
      return
    }
    if (fault && fault.when === 'after' && fault.kind !== 'delay') {
      if (fault.kind === 'drop') {
        req.socket.destroy()
        return
      }
      const error = faultError(fault, table.service, operation, options.accountId)
      reply(res, error.status, { __type: error.type, message: error.message }, requestId, error.type)
      return
    }
    reply(res, 200, body, requestId)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      if (!res.headersSent)
        reply(res, 500, { __type: 'InternalFailure', message }, 'internal', 'InternalFailure')
    })
  })
  server.keepAliveTimeout = 5000
  await new Promise<void>(resolve => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { server, endpoint: `http://127.0.0.1:${port}` }
}
