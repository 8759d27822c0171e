import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildSnapshot} from '../../src/ingest/build.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {operatorPodOf} from '../../src/logs/entries.js'
import {parseLocalRedirectPolicies} from '../../src/parse/cilium-lrp.js'
import {parseNodeConfigs, selectedNodes} from '../../src/parse/cilium-node-configs.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

// fixtures/synthetic-operator-objects: the policy of the LRP docs' node-local DNS example, a CiliumNodeConfig as in
// the per-node-config docs (fixtures/README.md lists both)
const SCENARIO = join(FIXTURES_DIR, 'synthetic-operator-objects')

describe('CiliumLocalRedirectPolicy lists', () => {
  it('reads the Service frontend with the line of the policy name', () => {
    const file = join(SCENARIO, 'ciliumlocalredirectpolicies.yaml')
    const [p, ...rest] = parseLocalRedirectPolicies(readFileSync(file, 'utf8'), 'ciliumlocalredirectpolicies.yaml')
    expect(rest).to.deep.equal([])
    expect(p).to.deep.include({name: 'nodelocaldns', namespace: 'kube-system', frontend: 'service kube-system/kube-dns'})
    expect(p.src.text.trim()).to.equal('name: nodelocaldns')
    expect(p.src.line).to.be.greaterThan(1)
  })
  const cases: Array<{name: string, obj: Record<string, unknown>, frontend: string}> = [
    {name: 'an addressMatcher (the metadata-server example)', obj: {redirectFrontend: {addressMatcher: {ip: '169.254.169.254', toPorts: [{port: '8080', protocol: 'TCP'}]}}}, frontend: 'address 169.254.169.254'},
    {name: 'a serviceMatcher without namespace: the policy\'s own', obj: {redirectFrontend: {serviceMatcher: {serviceName: 'kube-dns'}}}, frontend: 'service dns-space/kube-dns'},
    {name: 'no frontend at all', obj: {}, frontend: 'no frontend'},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const json = JSON.stringify({apiVersion: 'cilium.io/v2', kind: 'CiliumLocalRedirectPolicyList', items: [{metadata: {name: 'p', namespace: 'dns-space'}, spec: c.obj}]}, null, 1)
      expect(parseLocalRedirectPolicies(json, 'lrp.json').map((p) => p.frontend)).to.deep.equal([c.frontend])
    })
  }
  it('an empty list is "none exist", and reaches the snapshot as an empty array (not undefined)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-lrp-'))
    try {
      writeFileSync(join(dir, 'lrp.yaml'), 'apiVersion: cilium.io/v2\nitems: []\nkind: CiliumLocalRedirectPolicyList\nmetadata:\n  resourceVersion: "812"\n')
      const s = buildSnapshot(collectFromPath(join(dir, 'lrp.yaml')))
      expect(s.cluster.localRedirectPolicies).to.deep.equal([])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('CiliumNodeConfig lists', () => {
  const nodes: Array<{name: string, labels: Record<string, string>}> = [
    {name: 'mesa-cp-1', labels: {'kubernetes.io/hostname': 'mesa-cp-1', 'node-role.kubernetes.io/control-plane': ''}},
    {name: 'mesa-wk-1', labels: {'kubernetes.io/hostname': 'mesa-wk-1'}},
  ]
  it('reads the overridden keys and the label selector, and which nodes it selects', () => {
    const [c] = parseNodeConfigs(readFileSync(join(SCENARIO, 'ciliumnodeconfigs.yaml'), 'utf8'), 'ciliumnodeconfigs.yaml')
    expect(c).to.deep.include({name: 'control-plane-map-ratio', namespace: 'kube-system', apiVersion: 'cilium.io/v2',
      matchLabels: {'kubernetes.io/hostname': 'mesa-cp-1'}, defaults: {'bpf-map-dynamic-size-ratio': '0.0025'}})
    expect(selectedNodes(c, nodes)).to.deep.equal(['mesa-cp-1'])
  })
  // cnc_types.go: "If not supplied, then this config applies to no nodes. If empty, then it applies to all nodes."
  const selectors: Array<{name: string, spec: Record<string, unknown>, selected: string[] | undefined}> = [
    {name: 'an empty selector selects every node', spec: {nodeSelector: {}, defaults: {'enable-bgp-control-plane': 'true'}}, selected: ['mesa-cp-1', 'mesa-wk-1']},
    {name: 'no selector selects none', spec: {defaults: {'enable-bgp-control-plane': 'true'}}, selected: []},
    {name: 'matchExpressions are not decided here', spec: {nodeSelector: {matchExpressions: [{key: 'io.cilium/bgp', operator: 'Exists'}]}, defaults: {}}, selected: undefined},
    {name: 'a label with an empty value', spec: {nodeSelector: {matchLabels: {'node-role.kubernetes.io/control-plane': ''}}, defaults: {}}, selected: ['mesa-cp-1']},
  ]
  for (const c of selectors) {
    it(c.name, () => {
      const json = JSON.stringify({apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumNodeConfig', metadata: {name: 'x', namespace: 'kube-system'}, spec: c.spec}, null, 2)
      const [cnc] = parseNodeConfigs(json, 'cnc.json')
      expect(cnc.apiVersion).to.equal('cilium.io/v2alpha1')
      expect(selectedNodes(cnc, nodes)).to.deep.equal(c.selected)
    })
  }
})

describe('operator logs beside the agent folders', () => {
  it('a cilium-operator*.log at the top of a capture is an operator log, not an agent', () => {
    const s = buildSnapshot(collectFromPath(SCENARIO))
    expect(s.agents.map((a) => a.name)).to.not.include('cilium-operator')
    expect(s.cluster.operatorLogs?.map((l) => l.file)).to.deep.equal(['synthetic-operator-objects/cilium-operator.log'])
    expect(s.cluster.operatorLogs?.[0].entries.filter((e) => e.level === 'error')).to.have.length(4)
    expect(s.cluster.ciliumNodes?.map((n) => n.name)).to.deep.equal(['mesa-cp-1', 'mesa-wk-1', 'mesa-wk-2', 'mesa-wk-3'])
    expect(s.cluster.nodeConfigs?.map((c) => c.name)).to.deep.equal(['control-plane-map-ratio'])
  })
  it('names the operator pod from a live path, a capture file and a sysdump file', () => {
    expect(operatorPodOf('pod/cilium-operator-6d9c8f7b54-k2x9p: logs cilium-operator')).to.equal('cilium-operator-6d9c8f7b54-k2x9p')
    expect(operatorPodOf('capture/cilium-operator-6d9c8f7b54-k2x9p.log')).to.equal('cilium-operator-6d9c8f7b54-k2x9p')
    expect(operatorPodOf('cilium-sysdump-20260101-120000/logs-cilium-operator-6d9c8f7b54-k2x9p-cilium-operator-20260101-120000.log')).to.equal('cilium-operator-6d9c8f7b54-k2x9p')
  })
})
