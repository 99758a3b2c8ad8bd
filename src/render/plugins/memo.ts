/** Memoizes an async lookup by key: identical calls share one request (failures are not kept). */
export function memoize<T>(lookup: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>()
  return key => {
    let pending = cache.get(key)
    if (!pending) {
      pending = lookup(key)
      cache.set(key, pending)
      pending.catch(() => cache.delete(key))
    }
    return pending
  }
}

export function stringArg(name: string, value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${name}: ${what} must be a string`)
  return value
}

export function awsMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
