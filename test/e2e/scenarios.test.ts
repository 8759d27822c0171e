import {expect} from 'chai'
import {join} from 'node:path'
import {gatherSnapshot} from '../../src/actions/doctor.js'
import {loadRules, runRules} from '../../src/rules/engine.js'
import type {Finding} from '../../src/rules/types.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

/** The expected outcomes written down with the scenarios in fixtures/README.md. */
interface Expectation {
  fire: Record<string, Array<Finding['severity']> | '*'> // rule → allowed severities of its findings
  notFire: string[]
  maxSeverity?: Finding['severity'] // nothing above this from any rule
}

const HEALTH = ['agent-not-ok', 'stale-status', 'failing-controllers', 'unreachable-nodes', 'agent-restarts', 'version-skew', 'operator-not-ready', 'monitor-events-lost']
const DATAPATH = ['kpr-disabled', 'legacy-host-routing', 'iptables-masquerading', 'veth-netkit-possible', 'netkit-not-effective', 'big-tcp']
const HYGIENE = ['endpoint-slice-off', 'debug-logging', 'hubble-metrics-cardinality', 'ipam-exhaustion']

const EXPECT: Record<string, Expectation> = {
  'synthetic-healthy': {
    fire: {},
    notFire: [...HEALTH, ...DATAPATH, ...HYGIENE, 'degraded-modules', 'map-dynamic-sizing', 'datapath-drops', 'bpf-map-pressure', 'bpf-map-full', 'agent-unreachable'],
    maxSeverity: 'info',
  },
  'synthetic-lb4-pressure': {
    fire: {'bpf-map-pressure': ['critical'], 'bpf-map-full': ['critical'], 'degraded-modules': '*', 'services-without-backends': '*', 'datapath-drops': ['medium', 'high']},
    notFire: [...HEALTH, ...DATAPATH, ...HYGIENE, 'k8s-client-errors', 'k8s-client-rate-limit', 'identity-limit', 'conntrack-gc', 'endpoint-regeneration', 'map-dynamic-sizing', 'bpf-map-memory', 'clustermesh-not-ready', 'agent-unreachable'],
  },
  'synthetic-legacy-routing': {
    fire: {'kpr-disabled': '*', 'legacy-host-routing': '*', 'iptables-masquerading': '*'},
    notFire: ['netkit-not-effective', 'big-tcp', 'degraded-modules', 'failing-controllers', 'unreachable-nodes', 'agent-not-ok', 'stale-status', 'version-skew', 'agent-restarts', 'monitor-events-lost', 'services-without-backends', 'bpf-map-pressure', 'bpf-map-full', 'lb-map-capacity', 'datapath-drops', 'map-dynamic-sizing', ...HYGIENE, 'operator-not-ready'],
  },
  'synthetic-bpf-host-routing': {
    fire: {'veth-netkit-possible': ['info', 'medium']},
    notFire: ['legacy-host-routing', 'kpr-disabled', 'iptables-masquerading', 'netkit-not-effective', 'degraded-modules', 'unreachable-nodes', 'bpf-map-pressure', ...HEALTH, 'agent-unreachable'],
  },
  'synthetic-netkit-kernel-error': {
    fire: {'netkit-not-effective': ['critical', 'high'], 'agent-restarts': '*', 'unreachable-nodes': '*'},
    notFire: ['veth-netkit-possible', 'version-skew', 'degraded-modules', 'failing-controllers', 'agent-not-ok', 'stale-status', 'operator-not-ready', 'kpr-disabled', 'legacy-host-routing', 'iptables-masquerading', 'bpf-map-pressure', 'bpf-map-full', 'lb-map-capacity', 'services-without-backends', 'monitor-events-lost'],
  },
  'synthetic-degraded-agents': {
    fire: {'agent-not-ok': '*', 'stale-status': '*', 'failing-controllers': '*', 'unreachable-nodes': '*', 'version-skew': '*', 'monitor-events-lost': '*'},
    notFire: ['degraded-modules', 'agent-restarts', 'services-without-backends', 'bpf-map-pressure', 'lb-map-capacity', 'datapath-drops', ...DATAPATH.filter((d) => d !== 'big-tcp'), ...HYGIENE, 'operator-not-ready'],
  },
  'synthetic-ct-pressure': {
    fire: {'bpf-map-pressure': ['critical', 'high'], 'datapath-drops': ['critical', 'high'], 'conntrack-gc': '*'},
    notFire: ['map-dynamic-sizing', 'bpf-map-full', 'lb-map-capacity', 'services-without-backends', 'distributed-lru', 'degraded-modules', 'failing-controllers', 'unreachable-nodes', 'agent-not-ok', 'version-skew', 'agent-restarts', 'monitor-events-lost', 'kpr-disabled', 'legacy-host-routing', 'iptables-masquerading', 'netkit-not-effective', ...HYGIENE],
  },
  'synthetic-scale-hygiene': {
    fire: {'endpoint-slice-off': '*', 'debug-logging': '*', 'hubble-metrics-cardinality': '*', 'ipam-exhaustion': '*', 'k8s-client-rate-limit': '*'},
    notFire: ['unreachable-nodes', 'failing-controllers', 'degraded-modules', 'agent-not-ok', 'stale-status', 'version-skew', 'agent-restarts', 'monitor-events-lost', 'bpf-map-pressure', 'bpf-map-full', 'lb-map-capacity', 'datapath-drops', 'services-without-backends', 'identity-limit', 'kpr-disabled', 'legacy-host-routing', 'iptables-masquerading', 'netkit-not-effective', 'operator-not-ready'],
  },
  'synthetic-operator-objects': {
    fire: {'ipam-exhaustion': ['critical'], 'log-conditions': ['critical', 'high'], 'feature-not-effective': ['medium']},
    notFire: ['eni-ip-exhaustion', 'operator-not-ready', 'degraded-modules', 'failing-controllers', 'unreachable-nodes', 'version-skew', 'bpf-map-pressure', 'bpf-map-full', 'services-without-backends', ...DATAPATH, 'log-errors'],
  },
}

const ORDER = {info: 0, medium: 1, high: 2, critical: 3}

describe('doctor --from each synthetic scenario judges it as fixtures/README.md says', () => {
  for (const [scenario, exp] of Object.entries(EXPECT)) {
    it(scenario, async () => {
      const snap = await gatherSnapshot({from: join(FIXTURES_DIR, scenario)})
      expect(snap.skipped, 'every scenario file is recognized').to.deep.equal([])
      const {findings, outcomes} = runRules(await loadRules(), snap)
      const fired = new Map<string, Finding[]>()
      for (const f of findings) fired.set(f.id, [...(fired.get(f.id) ?? []), f])
      for (const [id, severities] of Object.entries(exp.fire)) {
        expect(fired.has(id), `${id} must fire; outcome: ${JSON.stringify(outcomes.find((o) => o.id === id))}`).to.equal(true)
        if (severities !== '*') for (const f of fired.get(id)!) expect(severities, `${id} severity`).to.include(f.severity)
        for (const f of fired.get(id)!) expect(f.evidence.length, `${id} evidence`).to.be.greaterThan(0)
      }
      for (const id of exp.notFire) {
        expect(fired.get(id)?.map((f) => `${f.severity}: ${f.message}`), `${id} must not fire`).to.equal(undefined)
      }
      if (exp.maxSeverity) {
        for (const f of findings) expect(ORDER[f.severity], `${f.id} ${f.severity}: ${f.message}`).to.be.at.most(ORDER[exp.maxSeverity])
      }
    })
  }
})
