import {expect} from 'chai'
import {normalizeLevel, parseAgentLog} from '../../src/parse/agent-log.js'
import {causeOf} from '../../src/logs/causes.js'
import {conditionOf} from '../../src/logs/catalog.js'
import {isStartFailure} from '../../src/logs/claimed.js'

/* Log formats beyond logrus text (journald prefix, slog levels above ERROR, JSON) and causes read from the error text. */

describe('agent log formats and causes', function () {
  it('journald prefix: the line behind it is parsed, client-go stderr copies count as errors', function () {
    const log = parseAgentLog([
      'Sep 15 07:50:43 ctl-1 cilium-operator[5814]: level=error msg="error retrieving resource lock default/x: context deadline exceeded" subsys=klog',
      'Sep 15 07:50:43 ctl-1 cilium-operator[5814]: error retrieving resource lock default/x: context deadline exceeded',
      'Sep 15 07:50:44 ctl-1 cilium-operator[5814]: level=info msg="ok" subsys=x',
    ].join('\n'), 'j.log')
    expect(log.entries.map((e) => [e.level, e.time, e.src.line])).to.deep.equal([['error', 'Sep 15 07:50:43', 1], ['error', 'Sep 15 07:50:43', 2]])
    expect(log.levels).to.deep.include({error: 2, info: 1})
  })

  it('slog levels above ERROR are fatal or panic, never dropped', function () {
    expect(normalizeLevel('ERROR+10')).to.equal('fatal')
    expect(normalizeLevel('ERROR+8')).to.equal('panic')
    expect(normalizeLevel('ERROR+2')).to.equal('error')
    const log = parseAgentLog('time=2025-01-01T00:00:00Z level=ERROR+10 msg="failed to start: x" module=agent\n', 's.log')
    expect(log.entries[0]).to.include({level: 'fatal', kind: 'fatal'})
  })

  it('1.18 start failures logged at ERROR are start failures', function () {
    const [e] = parseAgentLog('time=2025-02-04T10:12:41.402Z level=ERROR msg="failed to start: daemon creation failed: unable to determine direct routing device" module=agent\n', 's.log').entries
    expect(isStartFailure(e)).to.equal(true)
  })

  it('"operation not permitted" and other errors split by what failed', function () {
    expect(causeOf('error="failed to create perf ring for CPU 0: can\'t mmap: operation not permitted"').id).to.equal('perf-mmap')
    expect(causeOf('error="Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted"').id).to.equal('bpf-permission')
    expect(causeOf('error="dial tcp 10.96.0.1:443: connect: operation not permitted"').id).to.equal('apiserver-dial-blocked')
    expect(causeOf('error="BPF masquerade requires NodePort (--enable-node-port=\\"true\\")"').id).to.equal('bpf-masquerade-prereq')
    expect(causeOf('failed to detect devices: unable to determine direct routing device').id).to.equal('device-detection')
  })

  it('a missing CRD is its own condition, whatever the log format', function () {
    const json = '{"level":"error","msg":"CiliumNodeConfig v2 not found","error":"could not list CiliumNodeConfigs: the server could not find the requested resource"}'
    expect(conditionOf('CiliumNodeConfig v2 not found', json)?.id).to.equal('crd-missing')
    expect(conditionOf('CiliumNodeConfig v2 not found', 'something else')).to.equal(undefined)
  })
})
