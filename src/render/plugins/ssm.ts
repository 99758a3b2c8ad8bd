import type { GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm'
import type { SecretSink } from '../functions.js'
import { isInt } from '../template/format.js'
import type { FunctionMap } from '../template/index.js'
import { awsMessage, memoize, stringArg } from './memo.js'

/**
 * ecspresso's ssm plugin: `ssm "/name"` reads a parameter (decrypted), `ssm "/name" 1` picks an item of a
 * StringList; `ssm_list "/name" 1` is the same as the latter. SecureString values go to the secret sink.
 */
export function ssmFunctions(client: () => Promise<SSMClient>, secrets: SecretSink): FunctionMap {
  const get = memoize(async (name: string): Promise<GetParameterCommandOutput> => {
    try {
      const { GetParameterCommand } = await import('@aws-sdk/client-ssm')
      return await (await client()).send(new GetParameterCommand({ Name: name, WithDecryption: true }))
    } catch (error) {
      throw new Error(`failed to get parameter ${name}: ${awsMessage(error)}`, { cause: error })
    }
  })
  const lookup = async (nameArg: unknown, ...index: unknown[]): Promise<string> => {
    const name = stringArg('ssm', nameArg, 'the parameter name')
    if (index.length > 1) {
      throw new Error(`ssm template function accepts at most 2 parameters, but got ${index.length + 1}`)
    }
    const parameter = (await get(name)).Parameter
    const value = parameter?.Value ?? ''
    if (parameter?.Type === 'SecureString') secrets.add(value, `ssm ${name}`)
    switch (parameter?.Type) {
      case 'SecureString':
      case 'String':
        if (index.length > 0) {
          throw new Error(
            `the second argument is supported only for StringList type, but the parameter ${name} is of type ${parameter.Type}`
          )
        }
        return value
      case 'StringList': {
        if (index.length === 0) {
          throw new Error(
            'the second argument is required for StringList type parameter to specify the index'
          )
        }
        const i = index[0]
        const values = value.split(',')
        if (!isInt(i) || i < 0 || i >= values.length) {
          throw new Error(
            `StringList values were [${values.join(' ')}], but the index ${String(i)} is out of range`
          )
        }
        return values[i]!
      }
      default:
        throw new Error(`received unexpected parameter type: ${String(parameter?.Type)}`)
    }
  }
  return {
    ssm: lookup,
    ssm_list: (name: unknown, index: unknown) => lookup(name, index)
  }
}
