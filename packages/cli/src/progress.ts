/** A stream that may be a terminal (`process.stderr` is). */
export interface MaybeTty {
  write(chunk: string): unknown
  isTTY?: boolean
  columns?: number
}

/**
 * A one-line progress bar on a terminal: `profconv: reading big.out [#####     ] 45% 120/260 MiB`,
 * redrawn at most every 100 ms and erased when done. Never drawn on a pipe.
 */
export class Progress {
  private done = 0
  private lastDraw = -Infinity

  constructor(
    private readonly stream: MaybeTty,
    private readonly label: string,
    private readonly size: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts `bytes` more as read; redraws when enough time passed. */
  advance(bytes: number): void {
    this.done += bytes
    const t = this.now()
    if (t - this.lastDraw < 100 && this.done < this.size) return
    this.lastDraw = t
    this.draw()
  }

  /** Erases the bar. */
  finish(): void {
    this.stream.write('\r\u001b[K')
  }

  private draw(): void {
    const fraction = this.size > 0 ? Math.min(1, this.done / this.size) : 1
    const mib = (n: number) => (n / 2 ** 20).toFixed(0)
    const tail = ` ${Math.floor(fraction * 100)
      .toString()
      .padStart(3)}% ${mib(this.done)}/${mib(this.size)} MiB`
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 40))
    const filled = Math.round(fraction * width)
    const bar = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}]`
    const room = Math.max(8, (this.stream.columns ?? 80) - bar.length - tail.length - 21)
    const name = this.label.length > room ? `…${this.label.slice(-(room - 1))}` : this.label
    this.stream.write(`\r\u001b[Kprofconv: reading ${name} ${bar}${tail}`)
  }
}

/** `chunks` unchanged, advancing `progress` as they pass; the bar is erased at the end. */
export async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  progress: Progress,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of chunks) {
      progress.advance(chunk.length)
      yield chunk
    }
  } finally {
    progress.finish()
  }
}

/**
 * A one-line bar for many inputs on a terminal: `profconv: 1200/3000 files [####      ] 40%
 * ETA 3s`, redrawn at most every 100 ms and erased when done. Never drawn on a pipe.
 */
export class CountProgress {
  private done = 0
  private lastDraw = -Infinity
  private readonly start: number

  constructor(
    private readonly stream: MaybeTty,
    private readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.start = now()
  }

  /** Counts one more input done; redraws when enough time passed. */
  advance(): void {
    this.done++
    const t = this.now()
    if (t - this.lastDraw < 100 && this.done < this.total) return
    this.lastDraw = t
    this.draw(t)
  }

  /** Erases the bar. */
  finish(): void {
    if (this.lastDraw > -Infinity) this.stream.write('\r\u001b[K')
  }

  private draw(t: number): void {
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50))
    const filled = Math.round(fraction * width)
    const bar = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}]`
    const left = ((t - this.start) / this.done) * (this.total - this.done)
    const eta = this.done < this.total ? ` ETA ${duration(left)}` : ''
    const percent = Math.floor(fraction * 100)
      .toString()
      .padStart(3)
    this.stream.write(
      `\r\u001b[Kprofconv: ${this.done}/${this.total} files ${bar} ${percent}%${eta}`,
    )
  }
}

/** `42s`, `3m05s`, `1h02m`. */
function duration(ms: number): string {
  const s = Math.ceil(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`
}
