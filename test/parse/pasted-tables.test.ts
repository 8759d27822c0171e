import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {classify} from '../../src/ingest/classify.js'
import {parseControllerRows} from '../../src/parse/controller-rows.js'
import {parseEncryptStatus} from '../../src/parse/encrypt-status.js'
import {parseEndpointList} from '../../src/parse/endpoint-list.js'
import {parseCiliumTables} from '../../src/parse/kubectl-cilium-tables.js'
import {parseKubectlNodesTable} from '../../src/parse/kubectl-nodes-table.js'
import {parseKubectlPodsTable} from '../../src/parse/kubectl-pods-table.js'
import {parseOperatorRow} from '../../src/parse/kubectl-workloads.js'
import {parseDescribePods} from '../../src/parse/pod-describe.js'

/* Parsers of pasted kubectl tables and cilium-dbg summaries: values with their file and line, kinds by content. */

const corpus = (f: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'corpus', f), 'utf8')

describe('pasted tables and summaries', function () {
  it('recognizes each paste by content', function () {
    const kinds: Record<string, string> = {
      'describe-pod-agent-oomkilled.txt': 'pod-describe', 'describe-pod-readiness-kvstore-etcd.txt': 'pod-describe',
      'describe-pod-bpf-not-shared-mount.txt': 'pod-describe', 'endpoint-list-not-ready-istio.txt': 'endpoint-list',
      'encrypt-status-ipsec-healthy.txt': 'encrypt-status', 'encrypt-status-ipsec-proto-errors.txt': 'encrypt-status',
      'kubectl-get-cep-healthy.txt': 'cilium-tables', 'kubectl-get-ciliumnodes.txt': 'cilium-tables',
      'kubectl-get-nodes-notready.txt': 'nodes-table', 'kubectl-get-all-ns-healthy.txt': 'pods-table',
      'controller-rows-ipcache-inject-failing.txt': 'controller-rows',
      'kubectl-get-pods-grep-ipsec-crashloop.txt': 'pods-table', 'line-event-bpf-not-shared-mount.txt': 'pod-describe',
    }
    for (const [f, k] of Object.entries(kinds)) expect(classify(corpus(f)), f).to.equal(k)
    expect(classify('just some words\nand more words\n')).to.equal(undefined)
  })

  it('kubectl describe pod: restarts, last termination, memory limit; events with counts and multi-line messages', function () {
    const [oom] = parseDescribePods(corpus('describe-pod-agent-oomkilled.txt'), 'd.txt')
    expect(oom.pod).to.include({name: 'cilium-w7k2d', restarts: 7, lastTerminationReason: 'OOMKilled', phase: 'CrashLoopBackOff', ready: false, memoryLimitBytes: 500e6})
    expect(oom.events.find((e) => e.reason === 'BackOff')).to.include({type: 'Warning', count: 61})
    const [probe] = parseDescribePods(corpus('describe-pod-readiness-kvstore-etcd.txt'), 'p.txt')
    expect(probe.pod.name).to.equal('cilium-t4v9c')
    expect(probe.events).to.have.length(2)
    expect(probe.events[0].message).to.match(/^Readiness probe failed: KVStore:.*\nContainerRuntime:/s)
    expect(probe.events[1]).to.include({count: 5})
    expect(probe.events[1].src.line).to.equal(14)
    const [bpf] = parseDescribePods(corpus('describe-pod-bpf-not-shared-mount.txt'), 'b.txt')
    expect(bpf.pod).to.include({name: 'cilium-q8f2m', namespace: 'kube-system', node: 'edge-node-3'})
  })

  it('cilium-dbg endpoint list: state, identity, IPv4 and continuation labels', function () {
    const rows = parseEndpointList(corpus('endpoint-list-not-ready-istio.txt'), 'e.txt')
    expect(rows.map((r) => [r.id, r.state, r.identity, r.ipv4])).to.deep.equal([
      ['10008', 'ready', 43158, '10.12.0.162'], ['16757', 'not-ready', 44364, '10.12.0.124'], ['29898', 'ready', 4, '10.12.0.54'],
    ])
    expect(rows[1].labels).to.include('k8s:io.kubernetes.pod.namespace=default')
    expect(rows[1].src.line).to.equal(7)
    const v4 = parseEndpointList(corpus('endpoint-list-healthy-ipv4-only.txt'), 'e.txt')
    expect(v4.map((r) => r.state)).to.deep.equal(['ready', 'ready', 'ready'])
    expect(v4[2].ipv4).to.equal(undefined)
  })

  it('cilium-dbg encrypt status: old and new layouts, error rows', function () {
    const old = parseEncryptStatus(corpus('encrypt-status-ipsec-proto-errors.txt'), 'x.txt')
    expect(old).to.deep.include({mode: 'ipsec', keysInUse: 2, errors: 12, maxSeq: {used: 0xffffbd4f, max: 0xffffffff}})
    expect(old.errorRows.map((r) => [r.name, r.count, r.src.line])).to.deep.equal([['XfrmInStateProtoError', 12, 7]])
    const now = parseEncryptStatus(corpus('encrypt-status-ipsec-healthy.txt'), 'x.txt')
    expect(now).to.deep.include({mode: 'IPsec', keysInUse: 1, errors: 0, maxSeq: {used: 10, max: 0xffffffff}})
    expect(parseEncryptStatus('Encryption: Wireguard\nInterface: cilium_wg0\n\tPublic key: x\n\tNumber of peers: 2\n', 'w').mode).to.equal('Wireguard')
  })

  it('kubectl get cep / ciliumnodes / nodes / get all', function () {
    const cep = parseCiliumTables(corpus('kubectl-get-cep-waiting-for-identity.txt'), 'c.txt').endpoints!
    expect(cep.map((r) => [r.id, r.state, r.identity])).to.deep.equal([
      ['report-28461930-7kq2x', 'ready', 28377], ['report-28461935-b9w4m', 'waiting-for-identity', undefined],
      ['report-28461940-x2d8n', 'waiting-for-identity', undefined], ['report-28461945-q7r5t', 'waiting-for-identity', undefined],
    ])
    expect(parseCiliumTables(corpus('kubectl-get-ciliumnodes.txt'), 'n.txt').ciliumNodes?.count).to.equal(6)
    const nodes = parseKubectlNodesTable(corpus('kubectl-get-nodes-notready.txt'), 'n.txt')
    expect(nodes.map((n) => [n.name, n.ready, n.src.line])).to.deep.equal([['ai-gpu1', false, 3]])
    const wide = parseKubectlNodesTable('NAME   STATUS                     ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION     CONTAINER-RUNTIME\nw1     Ready,SchedulingDisabled   <none>   3d    v1.30.1   192.0.2.4     <none>        Ubuntu 22.04.4 LTS   5.15.0-105-generic   containerd://1.7.2\n', 'w')
    expect(wide[0]).to.include({ready: true, kernel: '5.15.0-105-generic', osImage: 'Ubuntu 22.04.4 LTS'})
    expect(parseOperatorRow(corpus('kubectl-get-all-ns-healthy.txt'), 'a.txt')).to.deep.include({desired: 1, ready: 1, available: 1})
  })

  it('controller rows without their header: failing rows kept, healthy counted', function () {
    const s = parseControllerRows(corpus('controller-rows-ipcache-inject-failing.txt'), 'r.txt')
    expect(s.controllers).to.deep.include({healthy: 6, total: 7})
    expect(s.controllers!.rows.map((r) => [r.name, r.failureCount, r.message, r.src.line])).to.deep.equal([['ipcache-inject-labels', 8, 'k8s cache not fully synced', 7]])
  })

  it('pod rows without their header (grep output) and an event row pasted alone', function () {
    const pods = parseKubectlPodsTable(corpus('kubectl-get-pods-grep-ipsec-crashloop.txt'), 'p.txt')
    expect(pods.map((p) => [p.name, p.ready, p.restarts, p.phase, p.src.line])).to.deep.equal([
      ['cilium-5wq8n', false, 4, 'CrashLoopBackOff', 1], ['cilium-k2r7d', false, 13, 'CrashLoopBackOff', 2],
      ['cilium-node-init-6xvtb', true, 0, 'Running', 3], ['cilium-node-init-n9hqz', true, 1, 'Running', 4],
      ['cilium-operator-6f9c7d8b5d-j4tkw', true, 0, 'Running', 5],
    ])
    // rows of other pods alone are not taken for a Cilium paste
    expect(classify('coredns-6955765f44-8jwzp   0/1   ContainerCreating   0   4m57s\n')).to.not.equal('pods-table')
    const [d] = parseDescribePods(corpus('line-event-bpf-not-shared-mount.txt'), 'e.txt')
    expect(d.events.map((e) => [e.type, e.reason, e.count, e.src.line])).to.deep.equal([['Warning', 'Failed', 1, 1]])
    expect(d.events[0].message).to.match(/is not a shared mount$/)
  })
})
