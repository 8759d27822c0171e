import {expect} from 'chai'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {looksLikeAgentLog} from '../../src/parse/agent-log.js'
import {looksLikeConfigMap} from '../../src/parse/configmap.js'
import {looksLikeHelmRelease, looksLikeHelmValues} from '../../src/parse/helm-values.js'
import {looksLikeMapList} from '../../src/parse/map-list.js'
import {looksLikeMetrics} from '../../src/parse/metrics.js'
import {looksLikeNodeList} from '../../src/parse/nodes.js'
import {looksLikePodList} from '../../src/parse/pods.js'
import {looksLikeServiceList} from '../../src/parse/service-list.js'
import {hasReference, readReference, REFERENCE_DIR, requireReference} from '../helpers/reference.js'
import {readSysdumpEntry} from './reference-zip.js'

/*
 * Every real sample must be recognized as its own kind and as no other, from content alone.
 * Samples of kinds these detectors do not cover (status, cilium-cli status, bugtool commands,
 * other Kubernetes objects) must be recognized as none of them.
 */

const DETECTORS = {
  service: looksLikeServiceList, map: looksLikeMapList, metrics: looksLikeMetrics, configmap: looksLikeConfigMap,
  helm: looksLikeHelmValues, 'helm-release': looksLikeHelmRelease, node: looksLikeNodeList, pod: looksLikePodList, log: looksLikeAgentLog,
} as const
type Kind = keyof typeof DETECTORS | 'none'

function expectedKind(file: string): Kind | undefined {
  if (/^service-(list|get)_/.test(file)) return 'service'
  if (/^map-list/.test(file)) return 'map'
  if (/^metrics/.test(file)) return 'metrics'
  if (/^log_/.test(file)) return 'log'
  if (/^(status|cilium-cli-status)/.test(file)) return 'none'
  return undefined
}

function detected(text: string): string[] {
  return Object.entries(DETECTORS).filter(([, f]) => f(text)).map(([k]) => k)
}

// sysdump entries: [name suffix, expected kind]
const SYSDUMP: [string, Kind][] = [
  ['nodes-20210525-174507.json', 'node'],
  ['pods-20210525-174507.json', 'pod'],
  ['cilium-configmap-20210525-174518.yaml', 'configmap'],
  ['cilium-4bwxv-cilium-agent-20210525-174558.log', 'log'],
  ['cilium-4bwxv-cilium-agent-20210525-174558-previous.log', 'log'],
  ['cmd/cilium-service-list.md', 'service'],
  ['cmd/cilium-map-list---verbose.md', 'map'],
  ['cmd/cilium-metrics-list.md', 'metrics'],
  ['cmd/cilium-status---verbose.md', 'none'],
  ['cmd/cilium-ip-list--n--o-json.md', 'none'],
  ['cmd/cilium-identity-list.md', 'none'],
  ['cmd/cilium-bpf-lb-list.md', 'none'],
  ['cmd/cilium-config.md', 'none'],
  ['cmd/bpftool-map-show.md', 'none'],
  ['cmd/cilium-health-status.md', 'none'],
  ['cmd/ip-a.md', 'none'],
  ['cmd/iptables-legacy--S.md', 'none'],
  ['services-20210525-174507.yaml', 'none'],
  ['cilium-ds-20210525-174518.yaml', 'none'],
  ['ciliumnodes-20210525-174518.yaml', 'none'],
  ['cep-20210525-174518.yaml', 'none'],
  ['k8s-events-20210525-174507.json', 'none'],
  ['k8s-namespaces-20210525-174507.yaml', 'none'],
  ['cilium-operator-deployment-20210525-174518.yaml', 'none'],
]

describe('looksLike* detectors on real samples', function () {
  before(function () { requireReference(this) })

  const files = hasReference() ? readdirSync(REFERENCE_DIR).filter((f) => expectedKind(f) !== undefined) : []
  for (const file of files) {
    const kind = expectedKind(file)!
    it(`${file} → ${kind}`, function () {
      expect(detected(readReference(file))).to.deep.equal(kind === 'none' ? [] : [kind])
    })
  }

  const charts = hasReference() ? readdirSync(join(REFERENCE_DIR, 'helm')).filter((d) => d.startsWith('cilium-')) : []
  for (const dir of charts) {
    it(`helm/${dir}/values.yaml → helm; Chart.yaml → none`, function () {
      expect(detected(readReference(`helm/${dir}/values.yaml`))).to.deep.equal(['helm'])
      expect(detected(readReference(`helm/${dir}/Chart.yaml`))).to.deep.equal([])
    })
  }

  for (const [suffix, kind] of SYSDUMP) {
    it(`sysdump ${suffix} → ${kind}`, async function () {
      const {text} = await readSysdumpEntry(suffix)
      expect(detected(text)).to.deep.equal(kind === 'none' ? [] : [kind])
    })
  }

  it('the directory holds samples of every covered kind (guards against a renamed folder)', function () {
    const kinds = new Set(files.map(expectedKind))
    expect([...kinds].sort()).to.deep.equal(['log', 'map', 'metrics', 'none', 'service'])
  })
})

describe('looksLike* detectors on empty and tiny inputs', function () {
  for (const text of ['', '\n\n', 'hello', '{}', '[]', 'null', '---\n']) {
    it(`${JSON.stringify(text)} → nothing`, function () {
      expect(detected(text)).to.deep.equal([])
    })
  }
})
