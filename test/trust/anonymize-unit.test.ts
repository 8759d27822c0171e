import {expect} from 'chai'
import {Anonymizer} from '../../src/util/anonymize.js'

function pseudo(a: Anonymizer, s: string): string {
  return a.text(s)
}

describe('Anonymizer: consistent pseudonyms that keep the structure', () => {
  const known = {node: ['lbx-cp-01', 'lbx-wk-02', 'node-1'], pod: ['cilium-4kc6t', 'cilium-operator-6d9f-abcde', 'web-5d8f-k2x9q'], namespace: ['netops', 'kube-system']}

  it('the same input gets the same pseudonym in every string; different inputs differ', () => {
    const a = new Anonymizer(known)
    const one = pseudo(a, 'agent cilium-4kc6t on lbx-cp-01 (lbx-cp-01 is NotReady)')
    const [, pod, n1, n2] = /agent (\S+) on (\S+) \((\S+) is/.exec(one)!
    expect(n1).to.equal(n2)
    expect(pseudo(a, 'node lbx-cp-01.')).to.equal(`node ${n1}.`)
    expect(pseudo(a, 'lbx-wk-02')).to.not.equal(n1)
    expect(pod).to.match(/^cilium-pod-\d+$/)
    expect(pseudo(a, 'cilium-operator-6d9f-abcde')).to.match(/^cilium-operator-pod-\d+$/)
    expect(pseudo(a, 'pod/web-5d8f-k2x9q: cilium-dbg status')).to.match(/^pod\/pod-\d+: cilium-dbg status$/)
  })

  it('a pseudonym never equals an original name (a real node called node-1 is not confused with one)', () => {
    const a = new Anonymizer(known)
    const out = [known.node, known.pod].flat().map((n) => pseudo(a, n))
    for (const n of [...known.node, ...known.pod]) expect(out).to.not.include(n)
    expect(pseudo(a, 'node-1')).to.match(/^node-\d+$/).and.not.equal('node-1')
  })

  it('words next to names, well-known namespaces and metric names are kept', () => {
    const a = new Anonymizer(known)
    expect(pseudo(a, 'kubectl -n kube-system exec ds/cilium -- cilium-dbg status')).to.equal('kubectl -n kube-system exec ds/cilium -- cilium-dbg status')
    expect(pseudo(a, 'cilium_bpf_map_pressure{map_name="lb4_services_v2"} 1.44')).to.equal('cilium_bpf_map_pressure{map_name="lb4_services_v2"} 1.44')
    expect(pseudo(a, 'namespace netops')).to.match(/^namespace namespace-\d+$/)
  })

  it('names in log fields and metric labels are found in the texts given up front', () => {
    const line = 'level=error msg="x" k8sPodName=shop/cart-7f9c5d-x2x8q node="edge-17" nodeName=edge-18'
    const a = new Anonymizer({texts: [line]})
    const out = pseudo(a, line)
    for (const s of ['shop', 'cart-7f9c5d-x2x8q', 'edge-17', 'edge-18']) expect(out).to.not.include(s)
    expect(out).to.match(/k8sPodName=namespace-\d+\/pod-\d+ node="node-\d+" nodeName=node-\d+/)
  })

  it('IPv4: prefix-preserving, a pod IP stays inside its pseudonymized pod CIDR, CIDR prefix lengths kept', () => {
    const a = new Anonymizer({})
    const cidr = pseudo(a, '10.244.1.0/24')
    const ip = pseudo(a, '10.244.1.77')
    const other = pseudo(a, '10.244.2.5')
    expect(cidr).to.match(/^\d+\.\d+\.\d+\.0\/24$/)
    expect(cidr).to.not.equal('10.244.1.0/24')
    expect(ip.split('.').slice(0, 3).join('.')).to.equal(cidr.split('.').slice(0, 3).join('.'))
    expect(other.split('.').slice(0, 2)).to.deep.equal(ip.split('.').slice(0, 2))
    expect(other.split('.')[2]).to.not.equal(ip.split('.')[2])
    expect(pseudo(a, '10.244.0.0/16')).to.match(/\.0\.0\/16$/)
    expect(pseudo(a, 'dial tcp 10.244.1.77:4240: i/o timeout')).to.equal(`dial tcp ${ip}:4240: i/o timeout`)
    expect(pseudo(a, 'ip-10-244-1-77.ec2.internal')).to.equal(`ip-${ip.replaceAll('.', '-')}.ec2.internal`)
  })

  it('IPv6: compressed form, prefix kept; loopback, unspecified and versions untouched', () => {
    const a = new Anonymizer({})
    const net = pseudo(a, 'fd00:10:244::/56')
    const ip = pseudo(a, 'fd00:10:244:1::4d')
    expect(net).to.match(/\/56$/).and.not.equal('fd00:10:244::/56')
    expect(ip).to.not.equal('fd00:10:244:1::4d')
    expect(ip).to.match(/^[0-9a-f:]+$/)
    expect(pseudo(a, 'FD00:10:244:1:0:0:0:4D')).to.equal(ip)
    expect(pseudo(a, '[::]:4244 ::1 127.0.0.1 0.0.0.0/0 Cilium 1.18.3 at 08:39:51Z aa:bb:cc:dd:ee:ff')).to.equal('[::]:4244 ::1 127.0.0.1 0.0.0.0/0 Cilium 1.18.3 at 08:39:51Z aa:bb:cc:dd:ee:ff')
  })

  it('no address maps onto another address of the same run', () => {
    const addrs = Array.from({length: 256}, (_, i) => `10.0.${i}.1`)
    const a = new Anonymizer({texts: [addrs.join(' ')]})
    const out = addrs.map((x) => pseudo(a, x))
    expect(new Set(out).size).to.equal(addrs.length)
    for (const o of out) expect(addrs).to.not.include(o)
  })

  it('the --from path becomes "capture" where a path starts, never inside a URL or a word', () => {
    const a = new Anonymizer({paths: ['docs', '/home/alice/acme-prod']})
    expect(a.text('docs/cilium-x/status.txt:12')).to.equal('capture/cilium-x/status.txt:12')
    expect(a.text('https://github.com/ciltune/ciltune/blob/main/docs/codes.md#ct6070')).to.equal('https://github.com/ciltune/ciltune/blob/main/docs/codes.md#ct6070')
    expect(a.text('see the docs for this')).to.equal('see the docs for this')
    expect(a.text('docs')).to.equal('capture')
    expect(a.text('read /home/alice/acme-prod: 3 agents')).to.equal('read capture: 3 agents')
  })

  it('deep: every string and key of a report, structure kept', () => {
    const a = new Anonymizer(known)
    const r = a.deep({agents: [{name: 'cilium-4kc6t', node: 'lbx-cp-01', n: 3}], labels: {'lbx-cp-01': '10.1.2.3'}})
    expect(r.agents[0].n).to.equal(3)
    expect(JSON.stringify(r)).to.not.match(/cilium-4kc6t|lbx-cp-01|10\.1\.2\.3/)
  })
})
