import {expect} from 'chai'
import {loadRules, runRules} from '../../src/rules/engine.js'
import type {Finding, Rule, RuleOutcome} from '../../src/rules/types.js'
import type {Node, Snapshot} from '../../src/snapshot/schema.js'
import {at, config, snapshot} from '../helpers/snapshot.js'

/*
 * Issue 11, item 5: configuration alone is judged as configuration. Every item of the list, once from Helm values
 * alone and once from cilium-config alone, through every rule: the findings named and no other, each saying
 * "Configured", none critical; what the source cannot show is not judged, with the reason; healthy stays silent.
 */

type Values = Record<string, unknown>
const node = (name: string): Node => ({name, podCIDRs: [], labels: {}, src: at(`name: ${name}`, 3, 'nodes.yaml')})
const nodes = (n: number) => Array.from({length: n}, (_, i) => node(`worker-${i + 1}`))

// what a user writes for a kube-proxy-free cluster with BPF masquerading (1.16+ style)
const HEALTHY_VALUES: Values = {kubeProxyReplacement: true, k8sServiceHost: 'api.lab.internal', k8sServicePort: 6443, bpf: {masquerade: true}, routingMode: 'native', ipv4NativeRoutingCIDR: '10.0.0.0/8', autoDirectNodeRoutes: true, operator: {replicas: 2}}
// the keys a 1.18 chart renders for those values
const HEALTHY_CONFIG: Record<string, string> = {
  'kube-proxy-replacement': 'true', 'enable-bpf-masquerade': 'true', 'enable-ipv4-masquerade': 'true', 'bpf-map-dynamic-size-ratio': '0.0025',
  'routing-mode': 'native', 'ipv4-native-routing-cidr': '10.0.0.0/8', 'auto-direct-node-routes': 'true',
  'enable-cilium-endpoint-slice': 'false', 'cni-chaining-mode': 'none', 'enable-ipv4': 'true', 'enable-ipv6': 'false', 'ipam': 'cluster-pool',
}

function deepMerge(a: Values, b: Values): Values {
  const out: Values = {...a}
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k]
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur) ? deepMerge(cur as Values, v as Values) : v
  }
  return out
}

const withValues = (delta: Values, extra: Partial<Snapshot['cluster']> = {}, drop: string[] = []) => {
  const values = deepMerge(HEALTHY_VALUES, delta)
  for (const k of drop) delete values[k]
  return snapshot({cluster: {helm: {source: 'values.yaml', values}, nodes: nodes(2), ...extra}})
}
const withConfig = (delta: Record<string, string>, extra: Partial<Snapshot['cluster']> = {}, drop: string[] = []) => {
  const data = {...HEALTHY_CONFIG, ...delta}
  for (const k of drop) delete data[k]
  return snapshot({cluster: {config: config(data), nodes: nodes(2), ...extra}})
}
const scale = {nodes: nodes(300)}
/** Values from a Helm release whose chart version is known. */
const release = (chartVersion: string, delta: Values, drop: string[] = []) => {
  const s = withValues(delta, {}, drop)
  s.cluster.helm!.chartVersion = chartVersion
  return s
}

interface Row {
  item: string
  source: 'values' | 'cilium-config'
  snap: Snapshot
  /** rule/messageId of every finding, sorted */
  fires: string[]
  message?: RegExp
  /** a rule that must say why it could not judge the item from this source */
  notJudged?: {rule: string, reason: RegExp}
}

const ROWS: Row[] = [
  {item: 'legacy host routing requested', source: 'values', snap: withValues({bpf: {hostLegacyRouting: true}}), fires: ['configured-risks/legacy-host-routing-configured'], message: /legacy \(iptables\) host routing is requested/},
  {item: 'legacy host routing requested', source: 'cilium-config', snap: withConfig({'enable-host-legacy-routing': 'true'}), fires: ['configured-risks/legacy-host-routing-configured']},
  {item: 'iptables masquerading', source: 'values', snap: withValues({bpf: {masquerade: false}, enableIPv4Masquerade: true}), fires: ['configured-risks/iptables-masquerading-configured'], message: /masquerading through iptables/},
  {item: 'iptables masquerading', source: 'cilium-config', snap: withConfig({'enable-bpf-masquerade': 'false'}), fires: ['iptables-masquerading/iptables-masquerading'], message: /masquerading by iptables \(cilium-config\); kube-proxy replacement is enabled/},
  {item: 'KPR off', source: 'values', snap: withValues({kubeProxyReplacement: false}), fires: ['kpr-disabled/off'], message: /kube-proxy replacement is false/},
  {item: 'KPR off', source: 'cilium-config', snap: withConfig({'kube-proxy-replacement': 'false'}), fires: ['kpr-disabled/off'], message: /kube-proxy replacement is false/},
  {item: 'KPR not set: the chart default decides', source: 'values', snap: withValues({}, {}, ['kubeProxyReplacement']), fires: ['kpr-disabled/off'], message: /kube-proxy replacement is false \(chart default: false in every chart since 1\.14; the chart version is not in the evidence\)/},
  {item: 'KPR not set: the chart default decides', source: 'cilium-config', snap: withConfig({}, {}, ['kube-proxy-replacement']), fires: ['kpr-disabled/off'], message: /unset \(default false\)/},
  {item: 'KPR not set, chart 1.17', source: 'values', snap: release('1.17.4', {}, ['kubeProxyReplacement']), fires: ['kpr-disabled/off'], message: /kube-proxy replacement is false \(chart default: chart 1\.17\.4 \(from the Helm release\)\)/},
  {item: 'KPR not set, chart 1.12: its default is not guessed', source: 'values', snap: release('1.12.3', {}, ['kubeProxyReplacement']), fires: [], notJudged: {rule: 'kpr-disabled', reason: /chart 1\.12\.3 \(from the Helm release\) predates 1\.14/}},
  {item: 'KPR on without k8sServiceHost', source: 'values', snap: withValues({}, {}, ['k8sServiceHost', 'k8sServicePort']), fires: ['configured-risks/kpr-without-k8s-service-host'], message: /without k8sServiceHost/},
  {item: 'KPR on without k8sServiceHost', source: 'cilium-config', snap: withConfig({}), fires: [], notJudged: {rule: 'configured-risks', reason: /cannot show k8sServiceHost/}},
  {item: 'CES off at scale', source: 'values', snap: withValues({ciliumEndpointSlice: {enabled: false}}, scale), fires: ['endpoint-slice-off/off'], message: /CiliumEndpointSlice is off with 300 nodes/},
  {item: 'CES off at scale', source: 'cilium-config', snap: withConfig({}, scale), fires: ['endpoint-slice-off/off'], message: /CiliumEndpointSlice is off with 300 nodes/},
  {item: 'map sizes and ratio', source: 'values', snap: withValues({bpf: {policyMapMax: 4096, mapDynamicSizeRatio: 0.001}}), fires: ['configured-values/map-size-below-default', 'configured-values/ratio-below-default']},
  {item: 'map sizes and ratio', source: 'cilium-config', snap: withConfig({'bpf-policy-map-max': '4096', 'bpf-map-dynamic-size-ratio': '0.001'}), fires: ['configured-values/map-size-below-default', 'configured-values/ratio-below-default'], message: /bpf-(policy-map-max: 4096|map-dynamic-size-ratio: 0\.001) is below/},
  {item: 'map sizes: a CT size pinned', source: 'values', snap: withValues({bpf: {ctTcpMax: 65536}}), fires: ['configured-values/map-size-below-default'], message: /bpf\.ctTcpMax: 65536 is below .*8\.0× sooner/},
  {item: 'map sizes: a CT size pinned', source: 'cilium-config', snap: withConfig({'bpf-ct-global-tcp-max': '65536'}), fires: ['map-dynamic-sizing/explicit-sizes-override'], message: /bpf-ct-global-tcp-max=65536 set in cilium-config/},
  {item: 'encryption: IPsec', source: 'values', snap: withValues({encryption: {enabled: true, type: 'ipsec'}}), fires: ['configured-values/ipsec-key-secret'], message: /Secret cilium-ipsec-keys/},
  {item: 'encryption: IPsec', source: 'cilium-config', snap: withConfig({'enable-ipsec': 'true'}), fires: ['configured-values/ipsec-key-secret'], message: /the Secret the cilium DaemonSet mounts/},
  {item: 'encryption with chaining', source: 'values', snap: withValues({encryption: {enabled: true, type: 'wireguard'}, cni: {chainingMode: 'generic-veth'}}), fires: ['configured-values/chaining-mode', 'configured-values/encryption-with-chaining']},
  {item: 'encryption with chaining', source: 'cilium-config', snap: withConfig({'enable-wireguard': 'true', 'cni-chaining-mode': 'generic-veth'}), fires: ['configured-values/chaining-mode', 'configured-values/encryption-with-chaining'], message: /wireguard\) together with CNI chaining \(generic-veth\)|cni-chaining-mode: generic-veth/},
  {item: 'chaining mode', source: 'values', snap: withValues({cni: {chainingMode: 'aws-cni'}}), fires: ['configured-values/chaining-mode'], message: /cni\.chainingMode: aws-cni/},
  {item: 'chaining mode', source: 'cilium-config', snap: withConfig({'cni-chaining-mode': 'aws-cni'}), fires: ['configured-values/chaining-mode'], message: /cni-chaining-mode: aws-cni/},
  {item: 'operator replicas against node count', source: 'values', snap: withValues({operator: {replicas: 3}}), fires: ['configured-values/operator-replicas-over-nodes'], message: /3 operator replica\(s\) on 2 node\(s\)/},
  {item: 'operator replicas against node count', source: 'cilium-config', snap: withConfig({}), fires: [], notJudged: {rule: 'configured-values', reason: /operator replicas are not in cilium-config/}},
  {item: 'removed keys, version unknown', source: 'values', snap: withValues({tunnel: 'disabled'}), fires: ['configured-keys/version-unknown'], message: /tunnel \(removed in 1\.15; its successor is routingMode\)\. The chart version is not in the evidence.*helm list/},
  {item: 'removed and deprecated keys, version from image.tag', source: 'values', snap: withValues({image: {tag: 'v1.16.5'}, tunnel: 'disabled', hubble: {tls: {server: {cert: 'placeholder-cert'}}}}), fires: ['configured-keys/deprecated-key', 'configured-keys/removed-key'], message: /(tunnel \(removed in 1\.15.*chart 1\.16\.5 \(from image\.tag)|hubble\.tls\.server\.cert: the values\.yaml of chart 1\.16\.5/},
  {item: 'a key of a later chart', source: 'values', snap: withValues({image: {tag: 'v1.16.5'}, k8sServiceHostRef: {name: 'api-endpoint', key: 'host'}}), fires: ['configured-keys/newer-key'], message: /k8sServiceHostRef\.(name|key) \(first in 1\.18\)/},
  {item: 'removed keys', source: 'cilium-config', snap: withConfig({tunnel: 'disabled'}), fires: ['configured-keys/removed-agent-option'], message: /tunnel: disabled, an agent option removed in 1\.15 .*not in the evidence/},
]

let rules: Rule[]
const ids = (fs: Finding[]) => fs.map((f) => `${f.id}/${f.messageId}`).sort()

describe('configuration alone (issue 11 item 5)', () => {
  before(async () => {
    rules = await loadRules()
  })

  for (const [name, snap] of [['values', withValues({})], ['cilium-config', withConfig({})], ['values at scale, CES on', withValues({ciliumEndpointSlice: {enabled: true}}, scale)]] as const) {
    it(`healthy ${name}: no finding`, () => {
      expect(runRules(rules, snap).findings.map((f) => `${f.id}: ${f.message}`)).to.deep.equal([])
    })
  }

  for (const row of ROWS) {
    it(`${row.item}, from ${row.source} alone`, () => {
      const {findings, outcomes} = runRules(rules, row.snap)
      expect(ids(findings), JSON.stringify(findings.map((f) => f.message), null, 1)).to.deep.equal(row.fires)
      for (const f of findings) {
        expect(f.message, f.id).to.match(/^Configured/)
        expect(f.message, f.id).not.to.match(/\bobserved\b/i)
        expect(f.severity, `${f.id}: a configuration risk without live evidence is not critical`).not.to.equal('critical')
      }
      if (row.message) expect(findings.map((f) => f.message).some((m) => row.message!.test(m)), `no message ~ ${row.message}`).to.equal(true)
      if (row.notJudged) {
        const o = outcomes.find((x) => x.id === row.notJudged!.rule) as RuleOutcome
        expect(o.result).to.equal('not-evaluated')
        expect(o.reason).to.match(row.notJudged.reason)
      }
    })
  }
})
