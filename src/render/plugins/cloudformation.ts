import type { CloudFormationClient, Output } from '@aws-sdk/client-cloudformation'
import type { FunctionMap } from '../template/index.js'
import { awsMessage, memoize, stringArg } from './memo.js'

/** ecspresso's cloudformation plugin: `cfn_output "stack" "OutputKey"` and `cfn_export "ExportName"`. */
export function cloudFormationFunctions(client: () => Promise<CloudFormationClient>): FunctionMap {
  const outputs = memoize(async (stack: string): Promise<Output[]> => {
    try {
      const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation')
      const out = await (await client()).send(new DescribeStacksCommand({ StackName: stack }))
      const found = out.Stacks?.[0]
      if (!found) throw new Error(`no such stack: ${stack}`)
      return found.Outputs ?? []
    } catch (error) {
      throw new Error(`failed to describe stack ${stack}: ${awsMessage(error)}`, { cause: error })
    }
  })
  const exports = memoize(async (): Promise<Map<string, string>> => {
    const all = new Map<string, string>()
    try {
      const { paginateListExports } = await import('@aws-sdk/client-cloudformation')
      for await (const page of paginateListExports({ client: await client() }, {})) {
        for (const e of page.Exports ?? []) if (e.Name !== undefined) all.set(e.Name, e.Value ?? '')
      }
    } catch (error) {
      throw new Error(`failed to list exports: ${awsMessage(error)}`, { cause: error })
    }
    return all
  })
  return {
    cfn_output: async (stackArg: unknown, keyArg: unknown) => {
      const stack = stringArg('cfn_output', stackArg, 'the stack name')
      const key = stringArg('cfn_output', keyArg, 'the output key')
      const output = (await outputs(stack)).find(o => o.OutputKey === key)
      if (!output) throw new Error(`OutputKey ${key} is not found in stack ${stack}`)
      return output.OutputValue ?? ''
    },
    cfn_export: async (nameArg: unknown) => {
      const name = stringArg('cfn_export', nameArg, 'the export name')
      const value = (await exports('')).get(name)
      if (value === undefined) throw new Error(`export ${name} is not found`)
      return value
    }
  }
}
