import {expect} from 'chai'
import {looksLikeNodeList, parseNodes} from '../../src/parse/nodes.js'
import {looksLikePodList} from '../../src/parse/pods.js'
import {Node} from '../../src/snapshot/schema.js'
import {requireReference} from '../helpers/reference.js'
import {readSysdumpEntry} from './reference-zip.js'

function parse(text: string, file = 'nodes.yaml') {
  const r = parseNodes(text, file)
  for (const n of r) Node.parse(n)
  return r
}

const NODE_LIST = `apiVersion: v1
items:
- apiVersion: v1
  kind: Node
  metadata:
    labels:
      kubernetes.io/hostname: worker-a
      node.kubernetes.io/instance-type: m5.large
    name: worker-a
  spec:
    podCIDR: 10.244.1.0/24
    podCIDRs:
    - 10.244.1.0/24
    - fd00:10:244:1::/64
  status:
    capacity:
      cpu: "2"
      memory: 5035968Ki
      pods: "110"
    conditions:
    - status: "False"
      type: MemoryPressure
    - status: "True"
      type: Ready
    nodeInfo:
      kernelVersion: 6.8.0-1021-aws
      osImage: Ubuntu 24.04.1 LTS
- apiVersion: v1
  kind: Node
  metadata:
    name: worker-b
  spec:
    podCIDR: 10.244.2.0/24
  status:
    capacity:
      cpu: 3500m
      memory: 16Gi
      pods: "58"
    conditions:
    - status: Unknown
      type: Ready
    nodeInfo:
      kernelVersion: 5.15.0-1057-aws
      osImage: Amazon Linux 2
kind: List
metadata:
  resourceVersion: ""
`

describe('parseNodes', function () {
  it('a List of Nodes (yaml): kernel, memory 5035968Ki → 5156831232 bytes, CIDRs, ready, labels, name line', function () {
    const [a, b] = parse(NODE_LIST, 'nodes.yaml')
    expect(a).to.include({name: 'worker-a', kernel: '6.8.0-1021-aws', osImage: 'Ubuntu 24.04.1 LTS', memoryBytes: 5156831232, cpus: 2, maxPods: 110, ready: true})
    expect(a.podCIDRs).to.deep.equal(['10.244.1.0/24', 'fd00:10:244:1::/64'])
    expect(a.labels['node.kubernetes.io/instance-type']).to.equal('m5.large')
    expect(a.src).to.deep.equal({file: 'nodes.yaml', line: 9, text: 'name: worker-a'})
    expect(b).to.include({name: 'worker-b', kernel: '5.15.0-1057-aws', memoryBytes: 16 * 2 ** 30, cpus: 3.5, maxPods: 58, ready: false})
    expect(b.podCIDRs).to.deep.equal(['10.244.2.0/24'])
    expect(b.labels).to.deep.equal({})
  })

  it('a NodeList in JSON and a single Node', function () {
    const json = JSON.stringify({apiVersion: 'v1', items: [{metadata: {name: 'n1'}, status: {capacity: {memory: '8Gi'}}}], kind: 'NodeList'}, null, 4)
    const r = parse(json)
    expect(r.map((n) => [n.name, n.memoryBytes])).to.deep.equal([['n1', 8 * 2 ** 30]])
    expect(json.split('\n')[r[0].src.line - 1]).to.include('"name": "n1"')
    const single = parse('apiVersion: v1\nkind: Node\nmetadata:\n  name: solo\n')
    expect(single.map((n) => [n.name, n.src.line, n.ready])).to.deep.equal([['solo', 4, undefined]])
  })

  it('a PodList gives no nodes; garbage gives none', function () {
    expect(parse('apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: p\nkind: List\n')).to.deep.equal([])
    expect(parse(':::\n\t- {')).to.deep.equal([])
  })

  it('detector: NodeList vs PodList whose mirror pods are owned by a Node', function () {
    expect(looksLikeNodeList(NODE_LIST)).to.equal(true)
    expect(looksLikePodList(NODE_LIST)).to.equal(false)
    const mirror = 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: kube-apiserver-a\n    ownerReferences:\n    - kind: Node\n      name: a\nkind: List\n'
    expect(looksLikeNodeList(mirror)).to.equal(false)
    expect(looksLikePodList(mirror)).to.equal(true)
  })

  describe('real 1.10 sysdump nodes', function () {
    before(function () { requireReference(this) })
    it('minikube: kernel 4.19.182, 8 CPUs, 110 pods, ready', async function () {
      const e = await readSysdumpEntry('nodes-20210525-174507.json')
      expect(looksLikeNodeList(e.text)).to.equal(true)
      expect(looksLikePodList(e.text)).to.equal(false)
      const [n] = parse(e.text, e.name)
      expect(n).to.include({name: 'minikube', kernel: '4.19.182', cpus: 8, maxPods: 110, ready: true, memoryBytes: 8356990976})
      expect(n.podCIDRs).to.deep.equal(['10.244.0.0/24'])
      expect(n.src.text).to.equal('"name": "minikube",')
    })
  })
})
