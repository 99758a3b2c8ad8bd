import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { sprintf } from '../template/format.js'
import type { FunctionMap } from '../template/index.js'
import { awsMessage, memoize, stringArg } from './memo.js'

/** ecspresso's secretsmanager plugin: the full ARN of a secret by name (or partial ARN). Reads no value. */
export function secretsManagerFunctions(client: () => Promise<SecretsManagerClient>): FunctionMap {
  const arn = memoize(async (id: string): Promise<string> => {
    try {
      const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager')
      const out = await (await client()).send(new DescribeSecretCommand({ SecretId: id }))
      return out.ARN ?? ''
    } catch (error) {
      throw new Error(`failed to describe secret ${id}: ${awsMessage(error)}`, { cause: error })
    }
  })
  return {
    secretsmanager_arn: (id: unknown) => arn(stringArg('secretsmanager_arn', id, 'the secret id')),
    secretsmanager_arnf: (format: unknown, ...args: unknown[]) =>
      arn(sprintf(stringArg('secretsmanager_arnf', format, 'the format'), args))
  }
}
