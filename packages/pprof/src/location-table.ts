import { ProfconvError, addressHi, addressLo } from '@profconv/model'

/** What a profile's `drop_frames` does to a location (see prune.ts). */
export type Verdict = 'none' | 'partial' | 'full'
const VERDICTS: readonly Verdict[] = ['none', 'partial', 'full']

/**
 * The locations of a profile as flat columns, indexed 0…n-1 in file order: the frames of
 * location i (root-most first) with their source lines are `frames[start[i]..start[i+1])`,
 * `lines[…]`, its instruction address `addressHi[i] * 2^32 + addressLo[i]` (0 unknown, or not
 * kept). Ids map to indexes through a typed array (every sample looks up 10–40 of them);
 * a Map serves ids far beyond the number of locations, so a hostile id never sizes an array.
 */
export class LocationTable {
  private readonly byId = new Map<number, number>()
  private readonly starts: number[] = [0]
  private readonly frameList: number[] = []
  private readonly lineList: number[] = []
  private readonly verdictList: number[] = []
  private readonly hiList: number[] = []
  private readonly loList: number[] = []
  private dense: Int32Array | undefined
  start: Int32Array = new Int32Array(0)
  frames: Int32Array = new Int32Array(0)
  lines: Int32Array = new Int32Array(0)
  addressHi: Uint32Array = new Uint32Array(0)
  addressLo: Uint32Array = new Uint32Array(0)
  /** True when some location is cut by `drop_frames`. */
  hasCuts = false

  get length(): number {
    return this.verdictList.length
  }

  /** Adds the next location; `frames` and `lines` root-most first. */
  add(
    id: number,
    frames: readonly number[],
    lines: readonly number[],
    verdict: Verdict,
    address: number | bigint = 0,
  ): void {
    if (this.byId.has(id)) throw new ProfconvError('pprof', `location id ${id} is used twice`)
    this.byId.set(id, this.length)
    // By loop: the arrays are reused by the caller, and a spread per location costs more.
    for (let k = 0; k < frames.length; k++) this.frameList.push(frames[k])
    for (let k = 0; k < lines.length; k++) this.lineList.push(lines[k])
    this.starts.push(this.frameList.length)
    this.verdictList.push(VERDICTS.indexOf(verdict))
    this.hiList.push(address === 0 ? 0 : addressHi(address))
    this.loList.push(address === 0 ? 0 : addressLo(address))
  }

  /** Freezes the columns once every location is added. */
  finish(): void {
    this.start = Int32Array.from(this.starts)
    this.frames = Int32Array.from(this.frameList)
    this.lines = Int32Array.from(this.lineList)
    this.addressHi = Uint32Array.from(this.hiList)
    this.addressLo = Uint32Array.from(this.loList)
    this.hasCuts = this.verdictList.some((v) => v !== 0)
    let max = 0
    for (const id of this.byId.keys()) max = Math.max(max, id)
    if (max <= 4 * this.byId.size + 1024) {
      this.dense = new Int32Array(max + 1).fill(-1)
      for (const [id, at] of this.byId) this.dense[id] = at
    }
  }

  /** The index of location `id`, -1 when there is none. */
  indexOf(id: number): number {
    if (this.dense) return id < this.dense.length ? this.dense[id] : -1
    return this.byId.get(id) ?? -1
  }

  verdict(at: number): Verdict {
    return VERDICTS[this.verdictList[at]]
  }
}
