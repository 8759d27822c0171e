import {getHeapStatistics, setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/*
 * A full garbage collection, asked for where ciltune knows that most of what it allocated is dead: between
 * the collection and the rules (the received outputs, their decoded text, the parsers' work) and before
 * the report is rendered. On a 1000-agent run the heap then holds 93 MB, against about 200 MB of live and
 * dead objects that V8 would otherwise carry into the rules and the rendering (peak RSS 391 → 336 MB, at
 * no cost in CPU: V8 would have collected soon anyway). Collecting more often during the collection
 * costs about half a second of CPU each time and was not worth it. `--expose-gc` is the only way Node 20
 * offers to ask: set at run time, it applies to contexts created afterwards.
 */

let gc: (() => void) | null | undefined

/**
 * V8 lets the old generation grow to up to four times what the last full collection kept before it
 * collects again; reading evidence, most of what reaches the old generation soon dies (outputs held while
 * their agent is visited, parsers' work), so that slack was garbage. Twice what was kept is enough: on a
 * 1000-agent run the peak RSS fell from about 348 to 289 MB at the same CPU time (bench/scale.ts, five
 * alternating runs). V8 reads this flag when it sets the next limit, so it applies at run time.
 */
export function boundHeapGrowth(): void {
  heapGrowth(100)
}

/**
 * Once the evidence is read, the heap holds the snapshot, which lives to the end, and what comes next (rules,
 * report) is mostly short-lived. Growth of twice the snapshot before the next collection was slack: at 5000
 * agents the rules grew a 328 MB heap to 491 MB. A quarter is enough (408 MB, at the same CPU time).
 * Called before the collection after reading, whose limit it sets.
 */
export function tightenHeapGrowth(): void {
  heapGrowth(25)
}

/** How far past what the last full collection kept V8 lets the old generation grow before the next one. */
function heapGrowth(percent: number): void {
  try {
    setFlagsFromString(`--heap-growing-percent=${percent}`)
  } catch {
    // not offered: V8's own growth
  }
}

/*
 * Below this, a forced collection costs more than it saves: a one-agent capture spent 50 ms of its 0.9 s in
 * the two collections of a 20–30 MB heap, with nothing to gain on a peak of 100 MB.
 */
const WORTH_COLLECTING = 48 * 1024 * 1024

/** collectGarbage() when the heap is large enough for the collection to matter. */
export function collectLargeGarbage(heapUsed = () => getHeapStatistics().used_heap_size): void {
  if (heapUsed() >= WORTH_COLLECTING) collectGarbage()
}

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      gc = runInNewContext('gc') as () => void
    } catch {
      gc = null // not offered: V8 collects on its own schedule
    }
  }
  gc?.()
}

const MiB = 1024 * 1024

export interface PacerOptions {
  /** heap growth over what the last full collection kept that triggers the next one */
  slack: number
  /** bytes of output received between two looks at the heap */
  checkEvery: number
  heapUsed: () => number
}

/**
 * A full collection whenever the heap has grown by `slack` over what the last one kept: while agents are read
 * (looked at after every `checkEvery` bytes of output received) and between rules. The snapshot grows by about
 * 65 KB an agent and lives to the end; what else reaches the old generation (outputs held until their agent is
 * done, the parsers' and the rules' work) dies soon, but V8 let it pile up: 130 MB of dead objects between
 * collections while 5000 agents were read (at the earlier pace, one collection per GiB received), and the rules
 * grew a 328 MB heap to 440 MB before V8's own collection ended. With 64 MB of slack the 5000-agent peak fell
 * from 619 MB to 564–609 MB over three runs; its 30 collections take 5.4 s of CPU there. At 1000 agents the heap
 * stays small, and the two or three collections take 60–80 ms each. 32 MB of slack while reading did not lower
 * the peak; between rules it does (see runRules).
 */
export class GarbagePacer {
  private since = 0
  private floor: number
  private readonly opts: PacerOptions

  constructor(opts: Partial<PacerOptions> = {}) {
    this.opts = {slack: 64 * MiB, checkEvery: 16 * MiB, heapUsed: () => getHeapStatistics().used_heap_size, ...opts}
    this.floor = this.opts.heapUsed()
  }

  note(bytes: number): void {
    this.since += bytes
    if (this.since < this.opts.checkEvery) return
    this.since = 0
    this.check()
  }

  /** Look at the heap now: collect when it has grown by the slack since the last collection. */
  check(): void {
    if (this.opts.heapUsed() < this.floor + this.opts.slack) return
    collectGarbage()
    this.floor = this.opts.heapUsed()
  }
}
