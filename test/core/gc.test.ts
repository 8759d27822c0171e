import {expect} from 'chai'
import {collectGarbage} from '../../src/util/gc.js'

describe('collectGarbage', () => {
  it('frees what nothing refers to any more, each time it is called', async () => {
    for (let round = 0; round < 2; round++) {
      let big: number[] | undefined = Array.from({length: 100_000}, (_, i) => i)
      const ref = new WeakRef(big)
      big = undefined
      // a WeakRef's target lives until the job that created it ends
      await new Promise((resolve) => setImmediate(resolve))
      collectGarbage()
      expect(ref.deref(), `round ${round}`).to.equal(undefined)
    }
  })
})
