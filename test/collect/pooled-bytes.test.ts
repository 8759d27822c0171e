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

  it('given back, its buffer serves the next output, and the first can no longer be read', () => {
    const pool = new BytePool()
    const a = new PooledBytes(1 << 20, pool)
    feed(a, OUT, 32768)
    const storage = a.bytes().buffer
    a.release()
    expect(() => a.bytes()).to.throw(/given back/)
    const b = new PooledBytes(1 << 20, pool)
    b.push(Buffer.from('second\n'))
    expect(b.bytes().buffer).to.equal(storage)
    expect(b.text()).to.equal('second\n')
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
    const a = new PooledBytes(1 << 20, pool)
    feed(a, OUT, 32768)
    const storage = a.bytes().buffer
    a.release()
    pool.clear()
    const b = new PooledBytes(1 << 20, pool)
    b.push(Buffer.from('after\n'))
    expect(b.bytes().buffer).to.not.equal(storage)
    expect(b.text()).to.equal('after\n')
  })
})
