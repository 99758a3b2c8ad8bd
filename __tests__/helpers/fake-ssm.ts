/**
 * SSM GetParameter and Secrets Manager DescribeSecret over the AWS JSON 1.1 protocol, for black-box runs
 * (the ECS emulator serves neither). Point the action at it with AWS_ENDPOINT_URL_SSM and
 * AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeSsm {
  readonly endpoint: string
  /** `Target Name` of every request, e.g. `AmazonSSM.GetParameter /app/password`. */
  readonly requests: string[]
  close(): Promise<void>
}

export async function startFakeSsm(
  parameters: Record<string, { Type: 'String' | 'SecureString' | 'StringList'; Value: string }>
): Promise<FakeSsm> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'])
      const input = JSON.parse(body || '{}') as { Name?: string; SecretId?: string }
      requests.push(`${target} ${input.Name ?? input.SecretId ?? ''}`)
      res.setHeader('content-type', 'application/x-amz-json-1.1')
      if (target === 'AmazonSSM.GetParameter') {
        const parameter = parameters[input.Name ?? '']
        if (!parameter) {
          res.statusCode = 400
          res.end(
            JSON.stringify({ __type: 'ParameterNotFound', message: `Parameter ${input.Name} not found.` })
          )
          return
        }
        res.end(JSON.stringify({ Parameter: { Name: input.Name, Version: 1, ...parameter } }))
      } else if (target === 'secretsmanager.DescribeSecret') {
        res.end(
          JSON.stringify({
            ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${input.SecretId}-AbCdEf`,
            Name: input.SecretId
          })
        )
      } else {
        res.statusCode = 400
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }))
      }
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}
