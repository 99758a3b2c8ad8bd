/**
 * jest's `expect` with an optional second argument, as vitest has: `expect(run.exitCode, run.stdout).toBe(0)`.
 * A failing matcher's report then starts with that text (a child's log, the loop value that failed), so the
 * failure says why without a rerun. With one argument it is jest's `expect` itself.
 */
import { expect as jestExpect } from '@jest/globals'
import { fileURLToPath } from 'node:url'

type Matchers<T> = ReturnType<typeof jestExpect<T>>

export function expect<T>(actual: T, message?: string): Matchers<T> {
  const matchers = jestExpect(actual)
  return message === undefined ? matchers : withMessage(matchers, message)
}

/** Wraps every matcher, and the `.not`, `.resolves` and `.rejects` chains, so a failure carries the message. */
function withMessage<M extends object>(matchers: M, message: string): M {
  return new Proxy(matchers, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver)
      if (typeof value === 'function') {
        return (...args: unknown[]): unknown => {
          try {
            const result: unknown = value.apply(target, args)
            if (!(result instanceof Promise)) return result
            return result.catch((error: unknown) => {
              throw prefix(error, message)
            })
          } catch (error) {
            throw prefix(error, message)
          }
        }
      }
      return typeof value === 'object' && value !== null ? withMessage(value, message) : value
    }
  })
}

const thisFile = fileURLToPath(import.meta.url)

// jest prints a failure from its stack, and frames it at the stack's first frame: the wrapper's own frames go.
// V8 writes the stack's first lines from the message when the stack is first read, so those are patched too
// only where they were written before the message changed.
function prefix(error: unknown, message: string): unknown {
  if (!(error instanceof Error)) return error
  const original = error.message
  error.message = `${message}\n\n${original}`
  if (error.stack) {
    const stack = error.stack.includes(error.message)
      ? error.stack
      : error.stack.replace(original, error.message)
    error.stack = stack
      .split('\n')
      .filter(line => !line.includes(thisFile))
      .join('\n')
  }
  return error
}
