import { decodeText } from '@profconv/model'

/**
 * True for `--prof-process --preprocess` JSON: an object opening with a `code` array whose
 * entries have V8's code types.
 */
export function sniffV8Prof(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  return (
    /^\s*\{\s*"code"\s*:\s*\[/.test(text) && /"type"\s*:\s*"(SHARED_LIB|CPP|JS|CODE)"/.test(text)
  )
}
