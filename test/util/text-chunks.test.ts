import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Writable} from 'node:stream'
import {outChunks, textChunks, writeChunked, writeFileChunked} from '../../src/util/text-chunks.js'

describe('textChunks', () => {
  it('joins back to the text, each piece at most the size asked for', () => {
    const text = 'abcdefghij'.repeat(1000) + 'tail'
    const pieces = [...textChunks(text, 333)]
    expect(pieces.join('')).to.equal(text)
    expect(Math.max(...pieces.map((p) => p.length))).to.equal(333)
    expect(pieces.length).to.equal(Math.ceil(text.length / 333))
  })

  it('never splits a surrogate pair, so every piece encodes to the same UTF-8 as the whole', () => {
    // '🚀' is two UTF-16 units; with size 3 a naive cut lands between them in "ab🚀"
    const text = 'ab🚀cd🚀🚀e'.repeat(50)
    for (const size of [1, 2, 3, 4, 7]) {
      const pieces = [...textChunks(text, size)]
      expect(pieces.join(''), `size ${size}`).to.equal(text)
      const bytes = Buffer.concat(pieces.map((p) => Buffer.from(p, 'utf8')))
      expect(bytes.equals(Buffer.from(text, 'utf8')), `size ${size}: no U+FFFD from a split pair`).to.equal(true)
    }
  })

  it('gives nothing for an empty text', () => {
    expect([...textChunks('')]).to.deep.equal([])
  })
})

describe('writeChunked and writeFileChunked', () => {
  it('write the whole text in several pieces, each after the stream has drained the last', async () => {
    const written: string[] = []
    let drains = 0
    // a stream whose buffer is always full after a write, drained on the next turn: the next piece must wait
    const stream = new Writable({highWaterMark: 1, write(chunk: Buffer, _enc, cb) {
      written.push(chunk.toString('utf8'))
      setImmediate(cb)
    }})
    stream.on('drain', () => drains++)
    const text = 'x'.repeat(3 * 1024 * 1024 + 5) + '→'
    await writeChunked(stream, text)
    expect(written.length).to.equal(4)
    expect(drains, 'one drain awaited per piece').to.equal(4)
    expect(written.join('')).to.equal(text)
  })

  it('stop quietly when the reader has gone (EPIPE), and fail on any other write error', async () => {
    const failing = (code: string) => {
      let writes = 0
      const stream = new Writable({highWaterMark: 1, write(_chunk: Buffer, _enc, cb) {
        writes++
        cb(Object.assign(new Error(`write ${code}`), {code}))
      }})
      return {stream, writes: () => writes}
    }
    const text = 'y'.repeat(3 * 1024 * 1024)
    const gone = failing('EPIPE')
    await writeChunked(gone.stream, text)
    expect(gone.writes(), 'nothing more written after the pipe closed').to.equal(1)
    const broken = failing('EIO')
    let caught: unknown
    await writeChunked(broken.stream, text).catch((error: unknown) => (caught = error))
    expect((caught as NodeJS.ErrnoException | undefined)?.code).to.equal('EIO')
  })

  it('write a file with the text and the mode asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-chunks-'))
    try {
      const path = join(dir, 'report.json')
      const text = '{"a": "é🚀"}\n'.repeat(200_000)
      writeFileChunked(path, text, 0o600)
      expect(readFileSync(path, 'utf8')).to.equal(text)
      expect(statSync(path).mode & 0o777).to.equal(0o600)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('outChunks (a text given in pieces)', () => {
  it('joins small pieces up to the size and cuts a large one, in order', () => {
    const pieces = ['ab', 'cd', 'e', 'x'.repeat(10), 'fg', 'h']
    const out = [...outChunks(pieces, 4)]
    expect(out.join('')).to.equal(pieces.join(''))
    expect(out).to.deep.equal(['abcd', 'e', 'xxxx', 'xxxx', 'xx', 'fgh'])
  })

  it('writes pieces to a stream and a file exactly as the joined text', async () => {
    const pieces = function* () {
      for (let i = 0; i < 50_000; i++) yield `{"n": ${i}, "s": "é🚀"},\n`
    }
    const written: string[] = []
    const stream = new Writable({write(chunk: Buffer, _enc, cb) {
      written.push(chunk.toString('utf8'))
      cb()
    }})
    await writeChunked(stream, pieces())
    const whole = [...pieces()].join('')
    expect(written.join('')).to.equal(whole)
    // joined to about 16 Ki characters a write (young-generation strings), not one write per piece
    expect(written.length).to.be.within(Math.floor(whole.length / 16_400), Math.ceil(whole.length / 16_384) + 1)
    expect(Math.max(...written.map((w) => w.length))).to.be.below(16_384 + 40)
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-chunks-'))
    try {
      writeFileChunked(join(dir, 'out.json'), pieces(), 0o600)
      expect(readFileSync(join(dir, 'out.json'), 'utf8')).to.equal(whole)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
