import {expect} from 'chai'
import {runRule} from '../../src/rules/engine.js'
import {requireReference} from '../helpers/reference.js'
import rule from '../../rules/services-without-backends.js'
import type {Service} from '../../src/snapshot/schema.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {referenceAgent, ruleTester} from './_rule-tester.js'

let line = 1
function svc(frontend: string, type: string, backends: Array<[string, string]>): Service {
  const [ip, rest] = frontend.split(/:(?=\d)/)
  const [port, proto] = rest.split('/')
  const row = line++
  return {
    frontend, ip, port: Number(port), proto, type, remote: false,
    src: at(`${row}   ${frontend}   ${type}   ${backends.length > 0 ? `1 => ${backends[0][0]} (${backends[0][1]})` : ''}`, row),
    backends: backends.map(([addr, state], i) => {
      const [bip, bport] = addr.split(':')
      return {index: i + 1, address: addr, ip: bip, port: Number(bport), state, preferred: false, src: at(`${i + 1} => ${addr} (${state})`, line++)}
    }),
  }
}
const list = (name: string, services: Service[]) => agent(name, {services: {format: 'text', services, unrecognized: []}})

const healthy = () => [
  svc('10.96.0.1:443/TCP', 'ClusterIP', [['172.19.0.2:6443', 'active']]),
  svc('10.96.0.10:53/UDP', 'ClusterIP', [['10.244.1.48:53', 'active'], ['10.244.2.9:53', 'terminating']]),
]

ruleTester(rule, {
  valid: [
    {name: 'every frontend has an active backend', snapshot: snapshot({agents: [list('cilium-a', healthy()), list('cilium-b', healthy())]})},
    {name: 'LocalRedirect frontend without local backend', snapshot: snapshot({agents: [list('cilium-a', [...healthy(), svc('169.254.20.10:53/UDP', 'LocalRedirect', [])])]})},
    {
      name: 'NodePort empty on one node, active on another (externalTrafficPolicy=Local)',
      snapshot: snapshot({agents: [
        list('cilium-a', [svc('10.0.0.1:30080/TCP', 'NodePort', [['10.244.1.5:8080', 'active']])]),
        list('cilium-b', [svc('10.0.0.2:30080/TCP', 'NodePort', [])]),
      ]}),
    },
    {name: 'backend line cut off (unknown state) counts as active', snapshot: snapshot({agents: [list('cilium-a', [svc('10.96.5.5:80/TCP', 'ClusterIP', [['10.244.1.7:80', 'unknown']])])]})},
  ],
  invalid: [
    {
      name: 'ClusterIP with zero backends on every agent → high, one finding', messageIds: ['no-backends'],
      snapshot: snapshot({agents: [
        list('cilium-a', [...healthy(), svc('10.96.44.3:8080/TCP', 'ClusterIP', [])]),
        list('cilium-b', [...healthy(), svc('10.96.44.3:8080/TCP', 'ClusterIP', [])]),
      ]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'], message: /ClusterIP 10\.96\.44\.3:8080\/TCP has no backends on all 2 agents/, evidence: {text: /10\.96\.44\.3:8080/}},
    },
    {
      name: 'only terminating/quarantined backends on a single agent → medium', messageIds: ['no-backends'],
      snapshot: snapshot({agents: [list('cilium-a', [svc('10.96.7.7:80/TCP', 'ClusterIP', [['10.244.1.1:80', 'terminating'], ['10.244.1.2:80', 'quarantined']])])]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a'], message: /no active backend \(only terminating\/quarantined\) on cilium-a/},
    },
    {
      name: 'LoadBalancer empty everywhere → reported', messageIds: ['no-backends'],
      snapshot: snapshot({agents: [
        list('cilium-a', [svc('172.18.255.200:80/TCP', 'LoadBalancer', [])]),
        list('cilium-b', [svc('172.18.255.200:80/TCP', 'LoadBalancer', [])]),
      ]}),
      expect: {count: 1, severity: 'high', message: /LoadBalancer 172\.18\.255\.200:80\/TCP has no backends/},
    },
    {
      name: 'ClusterIP empty on one agent only → info with the internalTrafficPolicy caveat', messageIds: ['no-backends'],
      snapshot: snapshot({agents: [
        list('cilium-a', [svc('10.96.9.9:80/TCP', 'ClusterIP', [['10.244.1.1:80', 'active']])]),
        list('cilium-b', [svc('10.96.9.9:80/TCP', 'ClusterIP', [])]),
      ]}),
      expect: {count: 1, severity: 'info', agents: ['cilium-b'], message: /internalTrafficPolicy: Local/},
    },
    {
      name: 'many empty frontends collapse into one finding', messageIds: ['many-without-backends'],
      snapshot: snapshot({agents: [list('cilium-a', Array.from({length: 12}, (_, i) => svc(`10.96.100.${i + 1}:80/TCP`, 'ClusterIP', [])))]}),
      expect: {count: 1, severity: 'high', message: /^12 service frontends have no active backends/},
    },
  ],
  notEvaluated: [
    {name: 'no service list collected', snapshot: snapshot({agents: [agent('cilium-a')]})},
    // field trial: a TAB-prefixed CI paste gave zero parsed services and the rule said "passed"
    {name: 'zero parsed services but unrecognized lines', snapshot: snapshot({agents: [agent('cilium-a', {services: {format: 'text', services: [], unrecognized: [
      {line: 1, text: '\t ID   Frontend              Service Type   Backend'},
      {line: 2, text: '\t 7    10.96.200.9:3000      ClusterIP'},
    ]}})]})},
  ],
})

describe('services-without-backends on real samples', () => {
  before(function () { requireReference(this) })
  for (const file of ['service-list_1.10.0_basic.txt', 'service-list_1.12-dev_pr18814-quarantined.txt', 'service-list_1.18.0_fragment-multibackend.txt']) {
    it(`${file}: every frontend has an active backend`, async () => {
      const a = await referenceAgent('cilium-ref', {services: file})
      expect(runRule(rule, snapshot({agents: [a]})).outcome.result).to.equal('passed')
    })
  }
})
