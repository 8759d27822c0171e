import {expect} from 'chai'
import type {Io} from '../../src/actions/doctor-options.js'
import {runSizing, type SizingOptions, type SizingReport} from '../../src/actions/sizing.js'
import {InputError} from '../../src/util/errors.js'

function capture(): Io & {out: string} {
  const io = {out: '', isTTY: false, stdout(t: string) { io.out += t }, stderr() {}}
  return io
}
const base: SizingOptions = {memory: '5035968Ki', cpus: 7, ratio: 0.01, distributedLru: true, overrides: {}, ipv6: false, output: 'json'}

describe('ciltune sizing (action)', () => {
  it('json output carries the entries, the rounding and the kernel memory', () => {
    const io = capture()
    expect(runSizing(base, io)).to.equal(0)
    const r = JSON.parse(io.out) as SizingReport
    expect(r.maps.map((m) => m.entries)).to.deep.equal([180943, 90475, 180943, 180943, 90475])
    expect(r.maps[1].unclamped).to.equal(90470)
    expect(r.possibleCpus).to.equal(7)
    expect(r.kernelTotalBytes).to.equal(r.maps.reduce((a, m) => a + m.kernelBytes, 0))
  })

  it('table output names the status rows, clamps and Helm values', () => {
    const io = capture()
    runSizing({...base, memory: '8Gi', ratio: 0.0025, distributedLru: false, cpus: undefined, output: 'table'}, io)
    expect(io.out).to.match(/TCP connection tracking\s+│ 131072\s+│ min clamp/)
    expect(io.out).to.contain('bpf.ctTcpMax')
  })

  it('explicit overrides and dual stack', () => {
    const io = capture()
    runSizing({...base, memory: '64Gi', distributedLru: false, overrides: {'ct-tcp': 1048576}, ipv6: true}, io)
    const r = JSON.parse(io.out) as SizingReport
    expect(r.maps[0]).to.include({entries: 1048576, source: 'override'})
    expect(r.ipFamilies).to.equal('IPv4 + IPv6')
  })

  it('an explicit NAT size above the CT total is shown as an agent start error', () => {
    const io = capture()
    runSizing({...base, memory: '4Gi', ratio: 0.0025, distributedLru: false, overrides: {nat: 262144}, output: 'table'}, io)
    expect(io.out).to.match(/^error: bpf-nat-global-max 262144 > CT TCP \+ CT any \(131072 \+ 65536\): the agent refuses to start$/m)
  })

  it('bad usage is a one-line InputError', () => {
    expect(() => runSizing({...base, ratio: 'abc'}, capture())).to.throw(InputError, /^--ratio abc: /)
    expect(() => runSizing({...base, memory: 'lots'}, capture())).to.throw(InputError, /--memory lots/)
    expect(() => runSizing({...base, ratio: 2}, capture())).to.throw(InputError, /\(0, 1\]/)
    expect(() => runSizing({...base, ratio: undefined}, capture())).to.throw(InputError, /needs --ratio/)
    expect(() => runSizing({...base, overrides: {nat: 5}}, capture())).to.throw(InputError, /bpf-nat-global-max 5/)
  })
})
