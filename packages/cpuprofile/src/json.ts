import { ProfconvError, decodeText } from '@profconv/model'

/** Parses a whole JSON document (BOM-aware); a syntax error becomes a ProfconvError. */
export function parseJson(bytes: Uint8Array, format: string): unknown {
  try {
    return JSON.parse(decodeText(bytes))
  } catch (error) {
    throw new ProfconvError(format, `not valid JSON: ${(error as Error).message}`)
  }
}
