import rule from '../../rules/k8s-client-rate-limit.js'
import type {Node} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'
import {readFileSync} from 'node:fs'
import {parseAgentLog} from '../../src/parse/agent-log.js'
import {parseHelmValues} from '../../src/parse/helm-values.js'
import {hasReference, readReference} from '../helpers/reference.js'

// fixtures/resilience/INDEX.md: the kind-guide "Unable to contact k8s api-server" log and KPR values without k8sServiceHost
const LOG = 'fixtures/resilience/log-agent-unable-to-contact-apiserver.log'
const VALUES = 'fixtures/resilience/helm-values-kpr-no-service-host.yaml'
const unreachableAgent = () => agent('cilium-w8t5n', {logs: [parseAgentLog(readFileSync(LOG, 'utf8'), LOG)]})
const kprValues = () => parseHelmValues(readFileSync(VALUES, 'utf8').replace(/^USER-SUPPLIED VALUES:\n/, ''), VALUES)
// the 1.18.6 slog agent log in ../shared/reference (k8sError lines dialling 10.15.1.8:443)
const REF_LOG = 'log_1.18.6_agent-apiserver-operation-not-permitted.log'
const v = (version: string) => agent('cilium-a', {status: status({cilium: {state: 'Ok', message: version, version, src: at(`Cilium:   Ok   ${version}`)}})})

const nodes = (n: number, cp = 0): Node[] => Array.from({length: n}, (_, i) => ({name: `node-${i}`, podCIDRs: [],
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it for the union of literals
  labels: (i < cp ? {'node-role.kubernetes.io/control-plane': ''} : {}) as Record<string, string>, src: at(`name: node-${i}`, i + 1, 'k8s-nodes.yaml')}))
const v118 = agent('cilium-a', {status: status({cilium: {state: 'Ok', message: '1.18.7', version: '1.18.7', src: at('Cilium:   Ok   1.18.7')}})})

ruleTester(rule, {
  valid: [
    {name: '1.16 default-rendered qps 5 on 120 nodes is the chart default, not lowered', version: '1.16.6', snapshot: snapshot({cluster: {config: config({'k8s-client-qps': '5', 'k8s-client-burst': '10'}), nodes: nodes(120)}})},
    {name: 'small cluster with defaults', snapshot: snapshot({agents: [v118], cluster: {config: config({debug: 'false'}), nodes: nodes(50)}})},
    {name: 'large cluster with raised QPS', snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-client-qps': '50', 'k8s-client-burst': '100'}), nodes: nodes(600)}})},
    {name: 'API servers listed', snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-api-server-urls': 'https://10.0.0.1:6443 https://10.0.0.2:6443 https://10.0.0.3:6443'}), nodes: nodes(10, 3),
      helm: {source: 'helm get values', values: {k8sServiceHost: '10.0.0.1'}}}})},
    {name: 'two API-server URLs on 1.18, no logs of failures', snapshot: snapshot({agents: [v118], cluster: {helm: {source: 'helm get values', values: {k8s: {apiServerURLs: 'https://192.0.2.1:6443 https://192.0.2.2:6443'}}}}})},
    {name: 'backoff cap lowered on a small cluster', snapshot: snapshot({agents: [v118], cluster: {nodes: nodes(40), helm: {source: 'helm get values', values: {k8sClientExponentialBackoff: {backoffMaxDurationSeconds: 30}}}}})},
    {name: 'one retried API-server timeout, then connected: a blip', snapshot: snapshot({agents: [v118, agent('cilium-b', {logs: [parseAgentLog([
      'level=error msg="Unable to contact k8s api-server" error="Get \\"https://192.0.2.1:6443/api/v1/namespaces/kube-system\\": dial tcp 192.0.2.1:6443: i/o timeout" ipAddr="https://192.0.2.1:6443" subsys=k8s',
      'level=info msg="Connected to apiserver" subsys=k8s',
    ].join('\n'), 'b.log')]})], cluster: {nodes: nodes(3), helm: {source: 'helm get values', values: {k8sServiceHost: '192.0.2.1'}}}})},
    {name: 'API-server failures logged, but the agents have two URLs to rotate through', snap: () => snapshot({agents: [v118, unreachableAgent()], cluster: {config: config({'k8s-api-server-urls': 'https://192.0.2.1:6443 https://192.0.2.2:6443'}), nodes: nodes(3)}})},
  ],
  invalid: [
    {
      name: '600 nodes with default QPS and CES on → raise both, typed numbers', messageIds: ['agent-low-limits'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'enable-cilium-endpoint-slice': 'true'}), nodes: nodes(600)}}),
      expect: [{count: 1, severity: 'medium', message: /10 QPS \/ burst 20 with 600 nodes/, helm: {path: 'k8sClientRateLimit.qps', value: 20}}, {helm: {path: 'k8sClientRateLimit.burst', value: 40}}],
    },
    {
      name: '600 nodes with QPS 5 and CES off → enable CES first, no raise', messageIds: ['agent-low-limits'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-client-qps': '5'}), nodes: nodes(600)}}),
      expect: {count: 1, message: /5 QPS.*enable it before raising/, noHelm: true, evidence: {text: 'k8s-client-qps: 5', line: 2}},
    },
    {
      name: '1.17 with qps 5 / burst 10 set explicitly on 120 nodes → restore defaults', messageIds: ['agent-lowered-limits'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: status({cilium: {state: 'Ok', message: '1.17.6', version: '1.17.6', src: at('Cilium:   Ok   1.17.6')}})})],
        cluster: {config: config({'k8s-client-qps': '5', 'k8s-client-burst': '10'}), nodes: nodes(120)}}),
      expect: [{count: 1, severity: 'medium', message: /explicitly limited to 5 QPS \/ burst 10, below the 1\.17\+ defaults/, evidence: {text: 'k8s-client-qps: 5'}, helm: {path: 'k8sClientRateLimit.qps', value: 10}},
        {helm: {path: 'k8sClientRateLimit.burst', value: 20}}],
    },
    {
      name: '1100 nodes with operator QPS 50 → operator limits raised', messageIds: ['operator-low-limits'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-client-qps': '50', 'k8s-client-burst': '100', 'operator-k8s-client-qps': '50'}), nodes: nodes(1100)}}),
      expect: {count: 1, severity: 'medium', message: /Operator API-server client limited to 50 QPS with 1100 nodes/, evidence: {text: 'operator-k8s-client-qps: 50'}, helm: {path: 'k8sClientRateLimit.operator.qps', value: 100}},
    },
    {
      name: 'single API-server IP with 3 control-plane nodes on 1.18', messageIds: ['single-api-server'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({debug: 'false'}), nodes: nodes(10, 3), helm: {source: 'helm get values', values: {k8sServiceHost: '10.0.0.1', k8sServicePort: 6443}}}}),
      expect: {count: 1, message: /single IP \(k8sServiceHost: 10\.0\.0\.1\).*3 control-plane/, fix: /k8s\.apiServerURLs/},
    },
    {
      name: 'backoff disabled on 1.18', messageIds: ['backoff-disabled'],
      snapshot: snapshot({agents: [v118], cluster: {helm: {source: 'helm get values', values: {k8sClientExponentialBackoff: {enabled: false}}}}}),
      expect: {count: 1, helm: {path: 'k8sClientExponentialBackoff.enabled', value: true}},
    },
    {
      name: 'KPR without k8sServiceHost and the agent cannot reach the ClusterIP (kind guide) → set k8sServiceHost', messageIds: ['api-server-unreachable'],
      snap: () => snapshot({agents: [unreachableAgent()], cluster: {helm: kprValues()}}),
      expect: {count: 1, severity: 'high', agents: ['cilium-w8t5n'], message: /at https:\/\/10\.96\.0\.1:443, and have no address but the kubernetes Service ClusterIP/, evidence: {line: 3, text: /Unable to contact k8s api-server/}, fix: /set k8sServiceHost\/k8sServicePort/},
    },
    {
      name: 'reference 1.18.6 slog k8sError dial failures with a single k8sServiceHost → k8s.apiServerURLs', messageIds: ['api-server-unreachable'],
      snap: () => snapshot({agents: [v('1.18.6'), agent('cilium-ref', {logs: hasReference() ? [parseAgentLog(readReference(REF_LOG), REF_LOG)] : []})],
        cluster: {helm: {source: 'helm get values', values: {k8sServiceHost: '10.15.1.8', k8sServicePort: 443, kubeProxyReplacement: true}}}}),
      expect: (findings) => {
        if (!hasReference()) return // without ../shared/reference the agent has no log: the case then checks nothing beyond firing
        const f = findings[0]
        if (!/at https:\/\/10\.15\.1\.8:443, and reach it through one address \(k8sServiceHost: 10\.15\.1\.8\)/.test(f.message)) throw new Error(f.message)
        if (!/k8s\.apiServerURLs/.test(f.fix ?? '')) throw new Error(f.fix)
      },
    },
    {
      name: 'k8s.apiServerURLs on a 1.17 agent: ignored', messageIds: ['api-server-urls-unsupported'],
      snapshot: snapshot({agents: [v('1.17.6')], cluster: {helm: {source: 'helm get values', values: {k8sServiceHost: '192.0.2.1', k8s: {apiServerURLs: 'https://192.0.2.1:6443 https://192.0.2.2:6443'}}}}}),
      expect: {count: 1, severity: 'medium', message: /needs chart 1\.18\.0 or newer.*k8sServiceHost 192\.0\.2\.1 alone/},
    },
    {
      name: 'k8s-api-server-urls with one URL on 1.18', messageIds: ['single-api-server-url'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-api-server-urls': 'https://192.0.2.1:6443'}), nodes: nodes(12)}}),
      expect: {count: 1, severity: 'info', message: /single URL \(https:\/\/192\.0\.2\.1:6443\)/},
    },
    {
      name: 'backoff capped at 20 s on 800 nodes → chart default 120', messageIds: ['backoff-max-lowered'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-client-qps': '50'}), nodes: nodes(800), helm: {source: 'helm get values', values: {k8sClientExponentialBackoff: {backoffMaxDurationSeconds: 20}}}}}),
      expect: {count: 1, severity: 'medium', message: /capped at 20 s \(chart default 120 s\) on 800 nodes.*about 40 requests\/s/, helm: {path: 'k8sClientExponentialBackoff.backoffMaxDurationSeconds', value: 120}},
    },
  ],
  notEvaluated: [
    {name: 'config without node counts or helm', snapshot: snapshot({cluster: {config: config({'k8s-client-qps': '5'})}})},
    {name: 'config and logs without failures, no node count', snapshot: snapshot({agents: [agent('cilium-a', {logs: [parseAgentLog('level=info msg="Connected to apiserver" subsys=k8s\n', 'a.log')]})], cluster: {config: config({'k8s-client-qps': '5'})}})},
  ],
})
