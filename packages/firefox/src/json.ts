export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `value` when it is an array, else undefined. */
export function arrayOr(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined
}

/** A thread's own name (`GeckoMain`), or `thread N`. */
export function threadName(thread: Json, index: number): string {
  return typeof thread.name === 'string' && thread.name !== '' ? thread.name : `thread ${index}`
}

/** Where a thread ran, for the profile's comments: `thread GeckoMain: Parent Process, pid 12, tid 34`. */
export function threadDetails(thread: Json, index: number): string {
  const details: string[] = []
  const process = thread.processName ?? thread.processType
  if (typeof process === 'string' && process !== '') details.push(process)
  if (typeof thread.pid === 'string' || typeof thread.pid === 'number')
    details.push(`pid ${thread.pid}`)
  if (typeof thread.tid === 'string' || typeof thread.tid === 'number')
    details.push(`tid ${thread.tid}`)
  return `thread ${threadName(thread, index)}${details.length > 0 ? `: ${details.join(', ')}` : ''}`
}
