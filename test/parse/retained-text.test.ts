import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAgentLog} from '../../src/parse/agent-log.js'
import {parseMapList} from '../../src/parse/map-list.js'
import {parseExposition} from '../../src/parse/metrics-exposition.js'
import {parseStatusText} from '../../src/parse/status-text.js'
import {collectGarbage} from '../../src/util/gc.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

/*
 * The status and log parsers read lines as views into the text and copy only what they keep (detach):
 * a kept value must not hold the whole text alive. Observed through the heap: results of many large texts,
 * kept after a full collection, weigh a small part of those texts (a single view kept would hold each whole:
 * more than the text's length in bytes).
 */

const AGENT = join(FIXTURES_DIR, 'synthetic-lb4-pressure', 'cilium-4kc6t')
const COPIES = 30
const FILLER_LINES = 20_000 // about 600 kB of text per copy, read and dropped

function heapAfterGc(): number {
  collectGarbage()
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/** The kept results of COPIES distinct texts, and how much heap they hold. */
function retained(make: (i: number) => string, parse: (text: string) => unknown): {bytes: number, textBytes: number} {
  const texts = Array.from({length: COPIES}, (_, i) => make(i))
  const textBytes = texts.reduce((n, t) => n + t.length, 0)
  texts.length = 0
  parse(make(COPIES)) // compiled code and shared copies (intern) are not what is measured
  const before = heapAfterGc()
  const kept: unknown[] = []
  for (let i = 0; i < COPIES; i++) kept.push(parse(make(i)))
  const bytes = heapAfterGc() - before
  expect(kept).to.have.length(COPIES)
  return {bytes, textBytes}
}

describe('parsed values do not keep their text alive', function () {
  this.timeout(120_000) // nothing here asserts on time

  it('status text: the kept sections of 30 large statuses hold a small part of their text', function () {
    const status = readFileSync(join(AGENT, 'status.txt'), 'utf8')
    // a long "Allocated addresses" list: recognized, read, not kept
    const make = (i: number) => status.replace('Allocated addresses:\n',
      `Allocated addresses:\n${Array.from({length: FILLER_LINES}, (_, k) => `  10.${i}.${k >> 8}.${k & 255} (ns-${i}/pod-${k})`).join('\n')}\n`)
    const r = retained(make, (t) => parseStatusText(t, 'cilium-4kc6t/status.txt'))
    expect(r.textBytes).to.be.above(COPIES * 500_000)
    expect(r.bytes, `${r.bytes} bytes kept for ${r.textBytes} characters read`).to.be.below(r.textBytes / 4)
  })

  it('agent log: the kept entries of 30 large logs hold a small part of their text', function () {
    const log = readFileSync(join(AGENT, 'cilium-agent.log'), 'utf8')
    const make = (i: number) => log + Array.from({length: FILLER_LINES},
      (_, k) => `time=2026-03-06T07:49:${String(k % 60).padStart(2, '0')}.000Z level=info msg="copy ${i} line ${k}" module=agent.infra\n`).join('')
    const r = retained(make, (t) => parseAgentLog(t, 'cilium-4kc6t/cilium-agent.log'))
    expect(r.textBytes).to.be.above(COPIES * 500_000)
    expect(r.bytes, `${r.bytes} bytes kept for ${r.textBytes} characters read`).to.be.below(r.textBytes / 4)
  })

  it('map list: the maps and error entries of 30 large verbose map lists hold a small part of their text', function () {
    const plain = readFileSync(join(AGENT, 'map-list.txt'), 'utf8')
    // a verbose cache table of synced entries is counted, not kept; one entry with an error is kept
    const make = (i: number) => `${plain}## Map: cilium_lb4_backends_v3\nKey   Value                       State   Error\n` +
      Array.from({length: FILLER_LINES}, (_, k) => `${k}     ANY://10.${i}.${k >> 8}.${k & 255}:8080     sync    \n`).join('') +
      `${FILLER_LINES}     ANY://10.${i}.0.1:53     error   Unable to update element for map with file descriptor 17: argument list too long\n`
    const r = retained(make, (t) => parseMapList(t, 'cilium-4kc6t/map-list.txt'))
    expect(r.textBytes).to.be.above(COPIES * 500_000)
    expect(r.bytes, `${r.bytes} bytes kept for ${r.textBytes} characters read`).to.be.below(r.textBytes / 4)
  })

  it('metrics exposition: the samples of 30 large expositions, with long names and label values, hold a small part of their text', function () {
    const metrics = readFileSync(join(AGENT, 'metrics.prom'), 'utf8')
    // comment lines are read and dropped; each copy's last sample has a long label value of its own
    const make = (i: number) => Array.from({length: FILLER_LINES}, (_, k) => `# HELP cilium_filler_${k} copy ${i}, help text read and dropped\n`).join('') +
      metrics + `cilium_kvstore_operations_duration_seconds_count{action="update-${'x'.repeat(40)}-${i}",outcome="success"} 3\n`
    const r = retained(make, (t) => parseExposition(t, 'cilium-4kc6t/metrics.prom'))
    expect(r.textBytes).to.be.above(COPIES * 500_000)
    expect(r.bytes, `${r.bytes} bytes kept for ${r.textBytes} characters read`).to.be.below(r.textBytes / 4)
  })
})
