export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `value` when it is an array, else undefined. */
export function arrayOr(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined
}

/** How a thread is named in profconv: `GeckoMain (Parent Process, pid 12, tid 34)`. */
export function threadName(thread: Json, index: number): string {
  const name = typeof thread.name === 'string' ? thread.name : `thread ${index}`
  const details: string[] = []
  const process = thread.processName ?? thread.processType
  if (typeof process === 'string' && process !== '') details.push(process)
  if (typeof thread.pid === 'string' || typeof thread.pid === 'number')
    details.push(`pid ${thread.pid}`)
  if (typeof thread.tid === 'string' || typeof thread.tid === 'number')
    details.push(`tid ${thread.tid}`)
  return details.length > 0 ? `${name} (${details.join(', ')})` : name
}
