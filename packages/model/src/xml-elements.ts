import { ProfconvError } from './error.js'
import { maybeGunzip, pushAll, pushStream, textEncoding } from './input.js'
import type { LineReadOptions } from './input.js'
import type { Profile } from './profile.js'

/**
 * An XML reader's state, fed the text of each record element (`<row>…</row>`, `<node …/>`) in
 * document order with the character offset where it starts, then asked for the profiles. Each
 * record is small: parse it with fast-xml-parser.
 */
export interface ElementParser {
  /** Names of the record elements; they must not nest inside one another. */
  readonly names: readonly string[]
  readonly element: (text: string, name: string, offset: number) => void
  finish(): Profile[]
}

/**
 * Cuts XML arriving in chunks into the text of its record elements, never holding the whole
 * document as one string: big XML exports (Instruments, sysprof) are long lists of small
 * records. Text outside the records (the document's head, containers) is skipped. A document
 * that ends inside a record or before its root element's end tag is cut short: an error.
 */
export class ElementSplitter {
  private decoder: TextDecoder | undefined
  private rest = ''
  /** Characters dropped from the front of `rest` so far (for offsets). */
  private consumed = 0
  private readonly starts: string[]
  /** The document's first characters until its root element is known (undefined: not yet). */
  private head = ''
  private root: string | null | undefined
  /** The document's last characters (its root's end tag). */
  private tail = ''

  constructor(
    private readonly parser: ElementParser,
    private readonly format: string,
  ) {
    this.starts = parser.names.map((n) => `<${n}`)
  }

  push(chunk: Uint8Array): void {
    this.decoder ??= new TextDecoder(textEncoding(chunk))
    const text = this.decoder.decode(chunk, { stream: true })
    this.rest += text
    this.see(text)
    this.cut()
  }

  /**
   * Keeps the tail, and the head (its first 4096 characters) until the root element is named:
   * the same in chunks as whole.
   */
  private see(text: string): void {
    if (this.root === undefined) {
      this.head = (this.head + text).slice(0, 4096)
      const root = /^(?:\s|<[?!][^>]*>)*<([A-Za-z_][\w.:-]*)[\s/>]/.exec(this.head)?.[1]
      if (root !== undefined || this.head.length === 4096) {
        this.root = root ?? null
        this.head = ''
      }
    }
    this.tail = text.length >= 256 ? text.slice(-256) : (this.tail + text).slice(-256)
  }

  end(): void {
    const text = this.decoder?.decode() ?? ''
    this.rest += text
    this.see(text)
    this.cut()
    const next = this.starts.map(() => -2)
    const open = this.nextStart(this.rest, 0, next)
    const cutShort = (reason: string) =>
      new ProfconvError(this.format, `the document ends ${reason}: cut short?`)
    if (open >= 0) {
      const at = this.consumed + next[open]
      throw cutShort(`inside the <${this.parser.names[open]}> at character ${at}`)
    }
    if (this.root && !this.tail.trimEnd().endsWith(`</${this.root}>`))
      throw cutShort(`before the end tag of its root element </${this.root}>`)
    this.rest = ''
  }

  private cut(): void {
    const text = this.rest
    const next = this.starts.map(() => -2) // per name: its next start tag, -1 none, -2 unknown
    let from = 0
    for (;;) {
      const start = this.nextStart(text, from, next)
      if (start < 0) {
        // Keep a tail that may be the beginning of a start tag cut by the chunk boundary.
        from = Math.max(from, text.length - 64)
        break
      }
      const at = next[start]
      const name = this.parser.names[start]
      const close = text.indexOf('>', at)
      if (close < 0) {
        from = at
        break
      }
      let end: number
      if (text[close - 1] === '/') {
        end = close + 1
      } else {
        const endTag = text.indexOf(`</${name}>`, close)
        if (endTag < 0) {
          from = at
          break
        }
        end = endTag + name.length + 3
      }
      this.parser.element(text.slice(at, end), name, this.consumed + at)
      from = end
    }
    this.rest = text.slice(from)
    this.consumed += from
  }

  /**
   * The index of the name whose start tag (the name followed by space, `>` or `/`) comes first
   * at or after `from`, or -1; `next` caches each name's next start between calls.
   */
  private nextStart(text: string, from: number, next: number[]): number {
    let best = -1
    for (let i = 0; i < this.starts.length; i++) {
      if (next[i] === -2 || (next[i] >= 0 && next[i] < from)) next[i] = this.find(text, i, from)
      if (next[i] >= 0 && (best < 0 || next[i] < next[best])) best = i
    }
    return best
  }

  private find(text: string, i: number, from: number): number {
    const open = this.starts[i]
    for (let at = text.indexOf(open, from); at >= 0; at = text.indexOf(open, at + 1)) {
      const after = text.charCodeAt(at + open.length)
      if (Number.isNaN(after)) return -1 // the name may go on in the next chunk
      if (after === 0x3e || after === 0x2f || after <= 0x20) return at
    }
    return -1
  }
}

/** Feeds every record element of the XML `bytes` (gzip accepted) to `parser`. */
export function readElements(
  bytes: Uint8Array,
  format: string,
  parser: ElementParser,
  options: LineReadOptions = {},
): Profile[] {
  const plain = maybeGunzip(bytes, format, options.maxInputSize)
  pushAll(new ElementSplitter(parser, format), plain, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readElementsStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  format: string,
  parser: ElementParser,
  options: LineReadOptions = {},
): Promise<Profile[]> {
  await pushStream(new ElementSplitter(parser, format), chunks, format, options.maxInputSize)
  return parser.finish()
}
