import {expect} from 'chai'
import {looksLikeNodeList} from '../../src/parse/nodes.js'
import {looksLikePodList, parsePods} from '../../src/parse/pods.js'
import {PodInfo} from '../../src/snapshot/schema.js'
import {requireReference} from '../helpers/reference.js'
import {readSysdumpEntry} from './reference-zip.js'

function parse(text: string, file = 'pods.json') {
  const r = parsePods(text, file)
  for (const p of r) PodInfo.parse(p)
  return r
}

const pod = (name: string, extra: Record<string, unknown>) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'kube-system'}, ...extra})

const POD_LIST = JSON.stringify({apiVersion: 'v1', kind: 'List', items: [
  pod('cilium-abcde', {
    spec: {nodeName: 'worker-a', containers: [
      {name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.18.7', resources: {limits: {memory: '1Gi'}}},
      {name: 'sidecar', image: 'busybox'},
    ]},
    status: {phase: 'Running', conditions: [{type: 'Ready', status: 'False'}], containerStatuses: [
      {name: 'sidecar', restartCount: 1, lastState: {terminated: {reason: 'Error'}}},
      {name: 'cilium-agent', restartCount: 7, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137}}},
    ]},
  }),
  pod('cilium-fghij', {
    spec: {nodeName: 'worker-b', containers: [{name: 'agent-renamed', image: 'quay.io/cilium/cilium:v1.18.7'}]},
    status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}], containerStatuses: [{name: 'agent-renamed', restartCount: 0, lastState: {}}]},
  }),
]}, null, 4)

describe('parsePods', function () {
  it('restarts summed over containers, agent image and limit, OOMKilled of the agent container, readiness', function () {
    const [a, b] = parse(POD_LIST, 'pods.json')
    expect(a).to.include({name: 'cilium-abcde', namespace: 'kube-system', node: 'worker-a', phase: 'Running', ready: false, restarts: 8,
      image: 'quay.io/cilium/cilium:v1.18.7', lastTerminationReason: 'OOMKilled', memoryLimitBytes: 2 ** 30})
    expect(POD_LIST.split('\n')[a.src.line - 1]).to.include('"name": "cilium-abcde"')
    expect(b).to.include({name: 'cilium-fghij', ready: true, restarts: 0, image: 'quay.io/cilium/cilium:v1.18.7'})
    expect(b.lastTerminationReason).to.equal(undefined)
    expect(b.memoryLimitBytes).to.equal(undefined)
  })

  it('a pending pod without statuses, YAML form', function () {
    const r = parse('apiVersion: v1\nkind: Pod\nmetadata:\n  name: cilium-x\nspec:\n  containers:\n  - name: cilium-agent\n    image: img\nstatus:\n  phase: Pending\n', 'p.yaml')
    expect(r).to.have.length(1)
    expect(r[0]).to.include({name: 'cilium-x', phase: 'Pending', restarts: 0, image: 'img'})
    expect(r[0].src).to.deep.equal({file: 'p.yaml', line: 4, text: 'name: cilium-x'})
  })

  it('detector: PodList yes, NodeList no', function () {
    expect(looksLikePodList(POD_LIST)).to.equal(true)
    expect(looksLikeNodeList(POD_LIST)).to.equal(false)
    expect(parse('garbage ][')).to.deep.equal([])
  })

  describe('real 1.10 sysdump pods', function () {
    before(function () { requireReference(this) })
    it('16 pods; the cilium agent restarted 4 times after an Error; coredns memory limit 170Mi', async function () {
      const e = await readSysdumpEntry('pods-20210525-174507.json')
      expect(looksLikePodList(e.text)).to.equal(true)
      expect(looksLikeNodeList(e.text)).to.equal(false)
      const r = parse(e.text, e.name)
      expect(r).to.have.length(16)
      const agent = r.find((p) => p.name === 'cilium-4bwxv')!
      expect(agent).to.include({restarts: 4, phase: 'Running', ready: true, lastTerminationReason: 'Error', node: 'minikube'})
      expect(agent.image).to.match(/^quay\.io\/cilium\/cilium:v1\.10\.0@sha256:/)
      expect(r.find((p) => p.name.startsWith('coredns'))!.memoryLimitBytes).to.equal(170 * 2 ** 20)
      expect(r.find((p) => p.name === 'cilium-operator-656654bd5c-6wt6s')).to.include({phase: 'Pending', restarts: 0})
    })
  })
})
