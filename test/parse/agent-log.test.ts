import {expect} from 'chai'
import {isMapFull, logfmtFields, looksLikeAgentLog, MAX_ENTRIES, parseAgentLog} from '../../src/parse/agent-log.js'
import {AgentLog} from '../../src/snapshot/schema.js'
import {readReference, requireReference} from '../helpers/reference.js'
import {readSysdumpEntry} from './reference-zip.js'

function parse(text: string, file = 'agent.log', previous = false) {
  const r = parseAgentLog(text, file, previous)
  AgentLog.parse(r)
  return r
}

describe('parseAgentLog: real samples', function () {
  before(function () { requireReference(this) })

  it('1.12.10 logrus: backend map full with "argument list too long"', function () {
    const r = parse(readReference('log_1.12.10_issue28726-lb4-backends-map-full.log'), 'a.log')
    expect(r.format).to.equal('logfmt')
    expect(r.levels).to.deep.equal({error: 1})
    expect(r.entries).to.have.length(1)
    expect(r.entries[0]).to.include({kind: 'map-full', level: 'error', msg: 'Error while inserting service in LB map'})
    expect(r.entries[0].src).to.include({file: 'a.log', line: 1})
  })

  it('1.13.2 with kubectl timestamp: "Unable to update element for LB bpf map" is map-full, time from the stamp', function () {
    const r = parse(readReference('log_1.13.2_issue32311-lb-services-map-full.log'))
    expect(r.entries[0]).to.include({kind: 'map-full', level: 'error', time: '2024-04-24T18:48:56.681579908+03:00', subsys: 'k8s-watcher'})
  })

  it('1.18.6 slog: 9 k8sError errors and one info line, module as subsystem', function () {
    const r = parse(readReference('log_1.18.6_agent-apiserver-operation-not-permitted.log'))
    expect(r.format).to.equal('slog')
    expect(r.lines).to.equal(10)
    expect(r.levels).to.deep.equal({info: 1, error: 9})
    expect(r.entries.map((e) => e.msg)).to.deep.equal(new Array(9).fill('k8sError'))
    expect(r.entries.every((e) => e.kind === 'error')).to.equal(true)
    expect(r.entries[0].time).to.equal('2026-01-03T23:17:55.588789531Z')
    expect(r.entries.some((e) => e.kind === 'map-full')).to.equal(false)
  })

  it('1.18.6 config init: hive start failure, final cobra "Error:" line kept as an error', function () {
    const r = parse(readReference('log_1.18.6_config-init-hive-start-failed.log'))
    expect(r.format).to.equal('slog')
    expect(r.levels).to.deep.equal({info: 5, error: 4})
    expect(r.entries.map((e) => e.msg)).to.deep.equal([
      'Unable to contact k8s api-server', 'Start hook failed', 'Failed to start hive',
      'Build config failed: failed to start: Get "https://10.15.1.8:443/api/v1/namespaces/kube-system": dial tcp 10.15.1.8:443: connect: operation not permitted',
    ])
    expect(r.entries[0].subsys).to.equal('k8s-client')
    expect(r.entries[3].src.line).to.equal(9)
  })

  it('1.10 sysdump agent log (previous): 43 warnings and the host-routing fallback kept, the option dump of --bpf-lb-map-max is not map-full', async function () {
    const e = await readSysdumpEntry('cilium-agent-20210525-174558-previous.log')
    const r = parse(e.text, e.name, true)
    expect(r.previous).to.equal(true)
    expect(r.format).to.equal('logfmt')
    expect(r.lines).to.equal(603)
    expect(r.levels).to.deep.equal({info: 559, warning: 43})
    expect(r.entries).to.have.length(44)
    // the one info line kept is the fallback the agent logs when BPF host routing cannot be used
    expect(r.entries.filter((x) => x.kind !== 'warning').map((x) => x.msg)).to.deep.equal(['BPF host routing requires kernel 5.10 or newer. Falling back to legacy host routing (enable-host-legacy-routing=true).'])
    expect(r.entries[0]).to.include({subsys: 'probes', time: '2021-05-24T15:13:26.427210858Z'})
    expect(e.text).to.include("--bpf-lb-map-max='65536'")
  })
})

describe('parseAgentLog: synthetic lines', function () {
  it('netkit on an old kernel, fatal and panic, debug counting, warn → warning, JSON lines', function () {
    const text = [
      'level=debug msg="probing" subsys=probes',
      'level=debug msg="probing more" subsys=probes',
      'time=2026-01-01T00:00:00Z level=WARN msg="slow" module=agent.datapath',
      'level=fatal msg="netkit devices need kernel 6.7.0 or newer and CONFIG_NETKIT" subsys=daemon',
      'level=fatal msg="Unable to start" subsys=daemon',
      '{"level":"error","msg":"Unable to update element for map with file descriptor 12: no space left on device","subsys":"map-ipcache","time":"2026-01-01T00:00:01Z"}',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      'goroutine 1 [running]:',
      'level=info msg="all good" subsys=daemon',
    ].join('\n')
    const r = parse(text)
    expect(r.format).to.equal('mixed')
    expect(r.lines).to.equal(9)
    expect(r.debugLines).to.equal(2)
    expect(r.levels).to.deep.equal({debug: 2, warning: 1, fatal: 2, error: 1, panic: 1, info: 1})
    expect(r.entries.map((e) => `${e.src.line}:${e.kind}:${e.level}`)).to.deep.equal([
      '3:warning:warning', '4:netkit-kernel:fatal', '5:fatal:fatal', '6:map-full:error', '7:fatal:panic',
    ])
    expect(r.entries[0].subsys).to.equal('agent.datapath')
    expect(r.entries[3].time).to.equal('2026-01-01T00:00:01Z')
  })

  it('an info-level map-full line is still kept (recognized kind)', function () {
    const r = parse('level=info msg="the map is full, please consider resizing it" subsys=lb\n')
    expect(r.entries.map((e) => [e.kind, e.level])).to.deep.equal([['map-full', 'info']])
  })

  it('caps kept entries and marks truncated, while still counting every line', function () {
    const text = Array.from({length: MAX_ENTRIES + 5}, (_, i) => `level=error msg="boom ${i}" subsys=x`).join('\n')
    const r = parse(text)
    expect(r.entries).to.have.length(MAX_ENTRIES)
    expect(r.truncated).to.equal(true)
    expect(r.levels.error).to.equal(MAX_ENTRIES + 5)
  })

  it('escaped quotes in msg are unescaped', function () {
    const r = parse('level=warning msg="bad \\"thing\\" here" subsys=x\n')
    expect(r.entries[0].msg).to.equal('bad "thing" here')
  })

  it('map-full wordings (FORMAT-NOTES §12) and near-misses', function () {
    expect(isMapFull('Unable to update element for map with file descriptor 17: argument list too long')).to.equal(true)
    expect(isMapFull('failed to update backend cilium_lb4_backends_v2 map with file descriptor 17: the map is full')).to.equal(true)
    expect(isMapFull('You can resize it with the flag "--bpf-lb-map-max"')).to.equal(true)
    expect(isMapFull('level=info msg="  --bpf-lb-map-max=\'65536\'" subsys=daemon')).to.equal(false)
    expect(isMapFull('Unable to update ipcache map entry on pod add')).to.equal(false)
    expect(isMapFull('exec: argument list too long')).to.equal(false)
  })

  it('detector: logs yes; other outputs no', function () {
    expect(looksLikeAgentLog('level=info msg="x" subsys=daemon\n')).to.equal(true)
    expect(looksLikeAgentLog('time=2026-01-01T00:00:00Z level=info msg=x module=a\n')).to.equal(true)
    expect(looksLikeAgentLog('ID   Frontend   Service Type   Backend\n')).to.equal(false)
    expect(looksLikeAgentLog('# HELP cilium_x y\ncilium_x 1\n')).to.equal(false)
    expect(looksLikeAgentLog('')).to.equal(false)
  })
})

describe('parseAgentLog on hostile lines', function () {
  it('reads a 1 MB word in linear time and cuts lines over the cap, counting them', function () {
    const word = 'x'.repeat(1_000_000)
    const r = parse(`level=error msg=${word} error=${word}\nlevel=error msg="short"\n`, 'long.log')
    expect(r.cutLines).to.equal(1)
    expect(r.entries).to.have.length(2)
    expect(r.entries[0].src.text.length).to.be.at.most(64 * 1024)
    expect(r.entries[1].msg).to.equal('short')
  })

  it('logfmt fields: quoted values with escapes, an unterminated quote, a word that is no key', function () {
    expect(logfmtFields('noise level=error msg="a \\"q\\" b" error="x=1" k=v k=w')).to.deep.equal({level: 'error', msg: 'a "q" b', error: 'x=1', k: 'v'})
    expect(logfmtFields('level=warn msg="unterminated')).to.deep.equal({level: 'warn', msg: 'unterminated'})
  })
})
