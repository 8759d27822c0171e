import {expect} from 'chai'
import {BytePool, CappedBytes, PooledBytes} from '../../src/collect/caps.js'

/*
 * An agent's output copied into a pooled buffer as it arrives: the same bytes as CappedBytes gives for
 * any chunking and cap, and the buffer serves the next output once the first was given back.
 */

const OUT = Buffer.from(Array.from({length: 3000}, (_, i) => `  node-${i}:\n    Host connectivity to 172.16.${i >> 8}.${i & 255}:\n`).join(''))

function feed(into: {push(c: Buffer): boolean}, b: Buffer, size: number): void {
  for (let at = 0; at < b.length; at += size) if (!into.push(b.subarray(at, at + size))) return
}

describe('PooledBytes', () => {
  it('holds exactly the bytes received, for any chunk size and cap, as CappedBytes does', () => {
    for (const size of [1, 4093, 32768, OUT.length]) {
      for (const cap of [OUT.length, 100_000, 1000, 10]) {
        const pooled = new PooledBytes(cap, new BytePool())
        const plain = new CappedBytes(cap)
        feed(pooled, OUT, size)
        feed(plain, OUT, size)
        expect(pooled.bytes().equals(plain.bytes()), `chunks of ${size}, cap ${cap}`).to.equal(true)
        expect(pooled.truncated, `chunks of ${size}, cap ${cap}`).to.equal(plain.truncated)
        expect(pooled.held).to.equal(plain.held)
      }
    }
  })

  it('a copied chunk may be overwritten by its sender afterwards: the output keeps what was received', () => {
    const p = new PooledBytes(1 << 20, new BytePool())
    const frame = Buffer.from('first line\n')
    p.push(frame)
    frame.fill(0x58)
    expect(p.text()).to.equal('first line\n')
  })

  /** An output read into a buffer of `pool`, given back; its storage, and the output that held it. */
  function givenBack(pool: BytePool): {storage: ArrayBufferLike, first: PooledBytes} {
    const first = new PooledBytes(1 << 20, pool)
    feed(first, OUT, 32768)
    const storage = first.bytes().buffer
    first.release()
    return {storage, first}
  }

  /** The next output of `pool`, holding `text`. */
  function next(pool: BytePool, text: string): PooledBytes {
    const b = new PooledBytes(1 << 20, pool)
    b.push(Buffer.from(text))
    expect(b.text()).to.equal(text)
    return b
  }

  it('given back, its buffer serves the next output, and the first can no longer be read', () => {
    const pool = new BytePool()
    const {storage, first} = givenBack(pool)
    expect(() => first.bytes()).to.throw(/given back/)
    expect(next(pool, 'second\n').bytes().buffer).to.equal(storage)
  })

  it('the pool keeps neither more buffers than asked nor one larger than its limit', () => {
    const pool = new BytePool(2, 64 * 1024)
    const big = new PooledBytes(1 << 20, pool)
    feed(big, OUT, 65536) // grows past the limit
    const bigStorage = big.bytes().buffer
    big.release()
    const next = new PooledBytes(1 << 20, pool)
    next.push(Buffer.from('x\n'))
    expect(next.bytes().buffer).to.not.equal(bigStorage)
    const three = [new PooledBytes(10, pool), new PooledBytes(10, pool), new PooledBytes(10, pool)]
    const stores = three.map((p) => p.bytes().buffer)
    for (const p of three) p.release()
    const again = [new PooledBytes(10, pool), new PooledBytes(10, pool), new PooledBytes(10, pool)].map((p) => p.bytes().buffer)
    expect(again.filter((s) => stores.includes(s))).to.have.length(2)
  })

  it('cleared, the pool lets go of its free buffers: the next output gets a new one', () => {
    const pool = new BytePool()
    const {storage} = givenBack(pool)
    pool.clear()
    expect(next(pool, 'after\n').bytes().buffer).to.not.equal(storage)
  })
})
