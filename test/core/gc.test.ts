import {expect} from 'chai'
import {collectGarbage, GarbagePacer} from '../../src/util/gc.js'

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

describe('GarbagePacer', () => {
  it('collects once the bytes noted reach its pace, and not before', async () => {
    const pacer = new GarbagePacer(1000)
    const kept = await droppedBig()
    pacer.note(600)
    expect(kept.deref(), 'below the pace').to.not.equal(undefined)
    await new Promise((resolve) => setImmediate(resolve)) // deref() keeps the target for the rest of this job
    pacer.note(400)
    expect(kept.deref(), 'at the pace').to.equal(undefined)
    const next = await droppedBig()
    pacer.note(999)
    expect(next.deref(), 'the count starts again after a collection').to.not.equal(undefined)
  })
})
