import {expect} from 'chai'
import rule from '../../rules/configured-keys.js'
import {runRule} from '../../src/rules/engine.js'
import {parseHelmValues} from '../../src/parse/helm-values.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {readReference, requireReference} from '../helpers/reference.js'
import {ruleTester} from './_rule-tester.js'

const helm = (values: Record<string, unknown>, chartVersion?: string) => ({source: 'values.yaml', values, ...(chartVersion ? {chartVersion} : {})})
const agentOn = (version: string) => agent('cilium-a', {status: status({cilium: {state: 'Ok', message: `${version} (v${version}-abcdef0)`, version, src: at(`Cilium:   Ok   ${version} (v${version}-abcdef0)`, 8)}})})

ruleTester(rule, {
  valid: [
    {name: 'modern keys only, version unknown', snapshot: snapshot({cluster: {helm: helm({kubeProxyReplacement: true, ciliumEndpointSlice: {enabled: true}, routingMode: 'native'})}})},
    {name: 'a removed key at its old default changes nothing', snapshot: snapshot({cluster: {helm: helm({tunnel: ''}, '1.16.3')}})},
    {name: 'a removed key set to null (unset) asks for nothing', snapshot: snapshot({cluster: {helm: helm({tunnel: null, bgp: {enabled: null}}, '1.18.1')}})},
    {name: 'free-form maps and images are not keys to judge', snapshot: snapshot({cluster: {helm: helm({nodeSelector: {'kubernetes.io/os': 'linux'}, extraConfig: {'bpf-ct-global-tcp-max': '1048576'}, image: {tag: 'v1.18.4', digest: 'sha256:0000'}})}})},
    {name: 'keys no shipped chart knows are not guessed at', snapshot: snapshot({cluster: {helm: helm({someCompanyAnnotation: 'x'}, '1.18.2')}})},
    {name: 'tunnel in the cilium-config of a 1.14 cluster is still read', snapshot: snapshot({agents: [agentOn('1.14.6')], cluster: {config: config({tunnel: 'vxlan'})}})},
    {name: 'enableCiliumEndpointSlice is endpoint-slice-off\'s (the 1.18 chart refuses it)', snapshot: snapshot({cluster: {helm: helm({enableCiliumEndpointSlice: true}, '1.17.2')}})},
  ],
  invalid: [
    {
      name: 'chart 1.16 (Helm release): tunnel and encryption.secretName removed, a hubble TLS value deprecated', messageIds: ['removed-key', 'deprecated-key'],
      snapshot: snapshot({cluster: {helm: helm({tunnel: 'disabled', encryption: {secretName: 'lab-keys'}, hubble: {tls: {server: {cert: 'placeholder'}}}}, '1.16.3')}}),
      expect: [
        {messageId: 'removed-key', severity: 'medium', message: /^Configured: tunnel \(removed in 1\.15; its successor is routingMode\), encryption\.secretName \(removed in 1\.16; its successor is encryption\.ipsec\.secretName\) set in the values, which chart 1\.16\.3 \(from the Helm release; judged with the 1\.16\.19 chart\) no longer has/, evidence: {text: 'tunnel: "disabled"'}, fix: /pull\/29053/},
        {messageId: 'deprecated-key', severity: 'info', message: /hubble\.tls\.server\.cert: the values\.yaml of chart 1\.16\.3 .* calls it deprecated/},
      ],
    },
    {
      name: 'the agents\' version wins over image.tag; bgp.enabled needs a migration', messageIds: ['removed-key'],
      snapshot: snapshot({agents: [agentOn('1.17.3')], cluster: {helm: helm({image: {tag: 'v1.16.1'}, bgp: {enabled: true}})}}),
      expect: {message: /bgp\.enabled \(removed in 1\.17; its successor is bgpControlPlane\.enabled \(not a plain rename: plan the migration\)\).*chart 1\.17\.3 \(from the agents/},
    },
    {
      name: 'a 1.18 key on a 1.16 chart (cilium status names the chart)', messageIds: ['newer-key'],
      snapshot: snapshot({cluster: {helm: helm({k8sServiceHostRef: {name: 'api-endpoint'}}), cliStatus: {components: [], workloads: [], images: [], errors: [], warnings: [], unrecognized: [], helmChartVersion: {value: '1.16.8', src: at('Helm chart version:    1.16.8', 12, 'cilium-status.txt')}}}}),
      expect: {severity: 'medium', message: /k8sServiceHostRef\.name \(first in 1\.18\).*chart 1\.16\.8 \(from cilium status/, evidence: {text: 'Helm chart version:    1.16.8'}},
    },
    {
      name: 'version unknown: removed and deprecated keys listed with the evidence that decides', messageIds: ['version-unknown'],
      snapshot: snapshot({cluster: {helm: helm({tunnel: 'vxlan', localRedirectPolicy: true})}}),
      expect: {severity: 'info', message: /tunnel \(removed in 1\.15; .*localRedirectPolicy \(deprecated from 1\.18; use localRedirectPolicies\.enabled instead\)\. The chart version is not in the evidence.*helm list -n kube-system/},
    },
    {
      name: 'cilium-config tunnel on 1.15 agents', messageIds: ['removed-agent-option'],
      snapshot: snapshot({agents: [agentOn('1.15.2')], cluster: {config: config({tunnel: 'disabled'})}}),
      expect: {severity: 'medium', message: /agents of 1\.15\.2 \(from the agents\) do not read it: .*would encapsulate/, fix: /routing-mode and tunnel-protocol/},
    },
  ],
  notEvaluated: [
    {
      name: 'a chart older than the shipped facts is said, not guessed', snapshot: snapshot({cluster: {helm: helm({tunnel: 'vxlan'}, '1.12.1')}}),
      expect: (_f, o) => { if (!/chart facts for 1\.14, .*1\.20 only/.test(o.reason ?? '')) throw new Error(o.reason) },
    },
  ],
})

describe('configured-keys on the released charts\' own values.yaml', () => {
  for (const v of ['1.16.19', '1.17.18', '1.18.12', '1.19.6']) {
    it(`cilium-${v}/values.yaml as a values file: every key at its default, nothing to report`, function () {
      requireReference(this)
      const values = parseHelmValues(readReference(`helm/cilium-${v}/values.yaml`), 'values.yaml')
      const r = runRule(rule, snapshot({cluster: {helm: values}}))
      expect(r.findings.map((f) => f.message)).to.deep.equal([])
      expect(r.outcome.result).to.equal('passed')
    })
  }

  it('the 1.16 chart\'s values.yaml with tunnel set: judged against 1.16 from its image.tag', function () {
    requireReference(this)
    const values = parseHelmValues(readReference('helm/cilium-1.16.19/values.yaml'), 'values.yaml')
    values.values.tunnel = 'vxlan'
    const r = runRule(rule, snapshot({cluster: {helm: values}}))
    expect(r.findings.map((f) => f.messageId)).to.deep.equal(['removed-key'])
    expect(r.findings[0].message).to.match(/chart 1\.16\.19 \(from image\.tag in the values/)
  })
})
