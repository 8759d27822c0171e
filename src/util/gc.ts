import {setFlagsFromString} from 'node:v8'
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
  try {
    setFlagsFromString('--heap-growing-percent=100')
  } catch {
    // not offered: V8's own growth
  }
}

/**
 * Once the evidence is read, the heap holds the snapshot, which lives to the end, and what comes next (rules,
 * report) is mostly short-lived. Growth of twice the snapshot before the next collection was slack: at 5000
 * agents the rules grew a 328 MB heap to 491 MB. A quarter is enough (408 MB, at the same CPU time).
 * Called before the collection after reading, whose limit it sets.
 */
export function tightenHeapGrowth(): void {
  try {
    setFlagsFromString('--heap-growing-percent=25')
  } catch {
    // not offered: V8's own growth
  }
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

const GiB = 1024 * 1024 * 1024

/**
 * A full collection after every `every` bytes of agent output received. At 5000 agents (13 GB received) V8's own
 * schedule let the heap carry hundreds of megabytes of dead outputs into the next collection: one every
 * GiB took the peak from 750 to 708 MB at no cost in CPU (one every 256 MiB: 698 MB for 17 % more CPU).
 */
export class GarbagePacer {
  private since = 0

  constructor(private readonly every = GiB) {}

  note(bytes: number): void {
    this.since += bytes
    if (this.since < this.every) return
    this.since = 0
    collectGarbage()
  }
}
