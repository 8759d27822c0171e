import {expect} from 'chai'
import {collectGarbage, collectLargeGarbage, GarbagePacer} from '../../src/util/gc.js'

/** A WeakRef to a large array (old space: only a full collection frees it) that nothing else refers to. */
async function droppedBig(): Promise<WeakRef<number[]>> {
  let big: number[] | undefined = Array.from({length: 100_000}, (_, i) => i)
  const ref = new WeakRef(big)
  big = undefined
  // a WeakRef's target lives until the job that created it ends
  await new Promise((resolve) => setImmediate(resolve))
  return ref
}

describe('collectGarbage', () => {
  it('frees what nothing refers to any more, each time it is called', async () => {
    for (let round = 0; round < 2; round++) {
      const ref = await droppedBig()
      collectGarbage()
      expect(ref.deref(), `round ${round}`).to.equal(undefined)
    }
  })
})

describe('collectLargeGarbage', () => {
  it('collects a heap of 48 MiB or more, and leaves a smaller one to V8', async () => {
    const small = await droppedBig()
    collectLargeGarbage(() => 47 * 1024 * 1024)
    expect(small.deref(), 'not collected below 48 MiB').to.not.equal(undefined)
    const large = await droppedBig()
    collectLargeGarbage(() => 48 * 1024 * 1024)
    expect(large.deref(), 'collected at 48 MiB').to.equal(undefined)
  })
})

describe('GarbagePacer', () => {
  it('looks at the heap once the bytes noted reach checkEvery, and collects when it grew by the slack', async () => {
    let heap = 1000
    let looks = 0
    const pacer = new GarbagePacer({checkEvery: 100, slack: 500, heapUsed: () => (looks++, heap)})
    looks = 0
    const kept = await droppedBig()
    heap = 1600
    pacer.note(60)
    expect(looks, 'no look below checkEvery').to.equal(0)
    expect(kept.deref(), 'below checkEvery').to.not.equal(undefined)
    await new Promise((resolve) => setImmediate(resolve)) // deref() keeps the target for the rest of this job
    pacer.note(40)
    expect(looks, 'a look at checkEvery, one more after the collection').to.equal(2)
    expect(kept.deref(), 'grown by more than the slack: collected').to.equal(undefined)
  })

  it('does not collect while the heap stays within the slack of what the last collection kept', async () => {
    let heap = 1000
    const pacer = new GarbagePacer({checkEvery: 10, slack: 500, heapUsed: () => heap})
    const kept = await droppedBig()
    heap = 1499
    pacer.note(10)
    expect(kept.deref(), 'within the slack').to.not.equal(undefined)
    await new Promise((resolve) => setImmediate(resolve))
    heap = 1500
    pacer.note(10)
    expect(kept.deref(), 'at the slack').to.equal(undefined)
    // the floor is now 1500: the same heap is within the slack again
    const next = await droppedBig()
    pacer.note(10)
    expect(next.deref(), 'the floor moved to what the collection kept').to.not.equal(undefined)
  })

  it('check() looks at the heap at once, whatever bytes were noted', async () => {
    let heap = 1000
    const pacer = new GarbagePacer({checkEvery: 1 << 30, slack: 500, heapUsed: () => heap})
    const kept = await droppedBig()
    pacer.check()
    expect(kept.deref(), 'not grown').to.not.equal(undefined)
    await new Promise((resolve) => setImmediate(resolve))
    heap = 2000
    pacer.check()
    expect(kept.deref(), 'grown past the slack').to.equal(undefined)
  })
})
