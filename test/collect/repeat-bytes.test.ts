import {expect} from 'chai'
import {RecentOutputs, RepeatBytes} from '../../src/collect/repeat-bytes.js'

/*
 * A service list most agents print byte for byte the same: recognized while it arrives, handed over as
 * the earlier Buffer; any difference, wherever it falls in a chunk, gives exactly the bytes received.
 */

const LIST = Buffer.from(Array.from({length: 400}, (_, i) => `${i + 1}    10.96.${i >> 8}.${i & 255}:443/TCP   ClusterIP   1 => 10.0.${i >> 8}.${i & 255}:6443/TCP (active)\n`).join(''))

function feed(r: RepeatBytes, b: Buffer, size: number): void {
  for (let at = 0; at < b.length; at += size) r.push(b.subarray(at, at + size))
}

describe('RepeatBytes', () => {
  it('an output equal to an earlier one is that very Buffer, whatever the chunk size', () => {
    for (const size of [1, 7, 4096, 32768, LIST.length]) {
      const r = new RepeatBytes(1 << 20, [Buffer.from('other\n'), LIST])
      feed(r, Buffer.from(LIST), size)
      expect(r.repeated, `chunks of ${size}`).to.equal(true)
      expect(r.bytes()).to.equal(LIST)
      expect(r.held).to.equal(LIST.length)
    }
  })

  it('a difference anywhere (first byte, mid-chunk, last byte, a longer or shorter output) gives exactly the bytes received', () => {
    const variants = [
      Buffer.concat([Buffer.from('X'), LIST.subarray(1)]),
      Buffer.concat([LIST.subarray(0, 5000), Buffer.from('terminating'), LIST.subarray(5011)]),
      Buffer.concat([LIST.subarray(0, LIST.length - 1), Buffer.from('\r')]),
      Buffer.concat([LIST, Buffer.from('401    extra\n')]),
      LIST.subarray(0, 9000),
    ]
    for (const v of variants) {
      for (const size of [3, 4096]) {
        const r = new RepeatBytes(1 << 20, [LIST])
        feed(r, v, size)
        expect(r.bytes().equals(v), `variant of ${v.length} bytes in chunks of ${size}`).to.equal(true)
        expect(r.bytes()).to.not.equal(LIST)
      }
    }
  })

  it('without earlier outputs, or when none matches, keeps the bytes and honours the cap at a line end', () => {
    const r = new RepeatBytes(1000, [])
    feed(r, LIST, 300)
    expect(r.repeated).to.equal(false)
    expect(r.truncated).to.equal(true)
    const head = r.bytes()
    expect(head.length).to.be.at.most(1000)
    expect(head.at(-1)).to.equal(0x0a)
    expect(LIST.subarray(0, head.length).equals(head)).to.equal(true)
  })

  it('nothing received is empty', () => {
    expect(new RepeatBytes(100, [LIST]).bytes().length).to.equal(0)
  })
})

describe('RecentOutputs', () => {
  it('keeps the last distinct outputs, newest first, and ignores empty ones', () => {
    const recent = new RecentOutputs(2)
    const [a, b, c] = ['a\n', 'b\n', 'c\n'].map((s) => Buffer.from(s))
    recent.seen(a)
    recent.seen(b)
    recent.seen(a)
    expect(recent.buffers).to.deep.equal([a, b])
    recent.seen(c)
    recent.seen(Buffer.alloc(0))
    expect(recent.buffers).to.deep.equal([c, a])
  })
})
