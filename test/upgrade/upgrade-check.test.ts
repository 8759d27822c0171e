import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import {runUpgradeCheck, type UpgradeCheckOptions} from '../../src/actions/upgrade-check.js'
import type {Report} from '../../src/report/model.js'
import {InputError} from '../../src/util/errors.js'
import {captureIo} from '../helpers/io.js'
import {REFERENCE_DIR} from '../helpers/reference.js'

let dir: string
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ciltune-upgrade-'))
})
after(() => rmSync(dir, {recursive: true, force: true}))

function valuesFile(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

async function check(o: Partial<UpgradeCheckOptions> & {to: string}): Promise<{code: number, report: Report, err: string}> {
  const io = captureIo()
  const code = await runUpgradeCheck({output: 'json', failOn: 'high', color: false, ...o}, io)
  return {code, report: JSON.parse(io.out) as Report, err: io.err}
}

async function refused(o: Partial<UpgradeCheckOptions> & {to: string}): Promise<string> {
  try {
    await runUpgradeCheck({output: 'json', failOn: 'high', color: false, ...o}, captureIo())
  } catch (error) {
    expect(error).to.be.instanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected a refusal')
}

describe('upgrade-check: values the target chart removed (the issue\'s examples)', () => {
  const cases = [
    {name: 'enableCiliumEndpointSlice in 1.18', current: '1.17.18', to: '1.18', text: 'enableCiliumEndpointSlice: true\n', key: 'enableCiliumEndpointSlice', successor: 'ciliumEndpointSlice.enabled', line: 1, carried: {path: 'ciliumEndpointSlice.enabled', value: true}},
    {name: 'nodePort.enabled in 1.19', current: '1.18.12', to: '1.19', text: 'routingMode: native\nnodePort:\n  enabled: true\n', key: 'nodePort.enabled', line: 3},
    {name: 'bgp in 1.17 (successor needs BGP Control Plane resources: not carried over)', current: '1.16.19', to: '1.17', text: 'bgp:\n  enabled: true\n  announce:\n    loadbalancerIP: true\n', key: 'bgp.enabled', successor: 'bgpControlPlane.enabled', line: 2},
    {name: 'tunnel in 1.15 (its value maps onto routingMode)', current: '1.14.19', to: '1.15', text: 'tunnel: disabled\n', key: 'tunnel', successor: 'routingMode', line: 1, carried: {path: 'routingMode', value: 'native'}},
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const {code, report} = await check({to: c.to, current: c.current, values: valuesFile(`${c.key}.yaml`, c.text)})
      const f = report.findings.find((x) => x.id === 'upgrade-removed-value' && x.title.startsWith(`${c.key} `))
      expect(f, report.findings.map((x) => x.title).join('\n')).to.not.equal(undefined)
      expect(f!.severity).to.equal('high')
      expect(f!.messageId).to.equal('removed')
      expect(f!.code).to.match(/^CT\d{4}-\d{2}$/)
      expect(f!.docUrl).to.match(/docs\/codes\.md#ct\d{4}$/)
      expect(f!.evidence[0]).to.include({line: c.line})
      expect(f!.message).to.match(/If nothing is done: /)
      if (c.successor) expect(f!.title).to.include(`use ${c.successor}`)
      if (c.carried) expect(f!.helm).to.deep.include({...c.carried, reason: f!.helm[0].reason})
      else expect(f!.helm).to.deep.equal([])
      expect(code).to.equal(1)
    })
  }

  it('the same values one minor earlier are not flagged: the key still exists there', async () => {
    const {report} = await check({to: '1.18', current: '1.17.18', values: valuesFile('np.yaml', 'nodePort:\n  enabled: true\n')})
    expect(report.findings.filter((f) => f.id === 'upgrade-removed-value')).to.deep.equal([])
  })

  it('a key an earlier release already removed is reported as ignored today, with its successor', async () => {
    const {report} = await check({to: '1.18', current: '1.17.18', values: valuesFile('bgp.yaml', 'bgp:\n  enabled: true\n')})
    const f = report.findings.find((x) => x.messageId === 'already-removed')
    expect(f?.title).to.equal('bgp.enabled left the chart in 1.17; use bgpControlPlane.enabled')
    expect(f?.severity).to.equal('medium')
  })

  it('a key in neither chart is info, never high (templates may read values without a default)', async () => {
    const {report} = await check({to: '1.19', current: '1.18.12', values: valuesFile('typo.yaml', 'kubeProxyReplacment: true\n')})
    const f = report.findings.find((x) => x.messageId === 'unknown')
    expect(f?.severity).to.equal('info')
    expect(f?.title).to.include('kubeProxyReplacment')
  })
})

describe('upgrade-check: upgrade-path rules', () => {
  it('a skipped minor is refused with the reason and the next step', async () => {
    const msg = await refused({to: '1.19', current: '1.17.18', values: valuesFile('a.yaml', 'ipam:\n  mode: kubernetes\n')})
    expect(msg).to.match(/refused: 1\.17 → 1\.19 skips 1\.18/)
    expect(msg).to.include('consecutive minor releases')
    expect(msg).to.include('ciltune upgrade-check --to 1.18')
  })

  it('a downgrade, a version outside the shipped knowledge, and a contradiction are each one clear refusal', async () => {
    const values = valuesFile('b.yaml', 'ipam:\n  mode: kubernetes\n')
    expect(await refused({to: '1.17', current: '1.18.2', values})).to.match(/older than the running 1\.18\.2/)
    expect(await refused({to: '1.14', current: '1.13.4', values})).to.match(/ships chart knowledge for Cilium 1\.14 to 1\.20/)
    expect(await refused({to: 'latest', current: '1.18.2', values})).to.match(/^--to latest: expected a Cilium version/)
    expect(await refused({to: '1.19', values})).to.match(/--current VERSION/)
  })

  it('upgradeCompatibility: asked for where the target gates defaults, silent once set to the current minor', async () => {
    const unset = await check({to: '1.18', current: '1.17.18', values: valuesFile('c.yaml', 'ipam:\n  mode: kubernetes\n')})
    const f = unset.report.findings.find((x) => x.messageId === 'upgrade-compatibility')
    expect(f?.helm).to.deep.include({path: 'upgradeCompatibility', value: '1.17', reason: f!.helm[0].reason})
    const set = await check({to: '1.18', current: '1.17.18', values: valuesFile('d.yaml', 'upgradeCompatibility: "1.17"\nipam:\n  mode: kubernetes\n')})
    expect(set.report.findings.filter((x) => x.messageId === 'upgrade-compatibility')).to.deep.equal([])
  })

  it('the latest patch first, and the pre-flight steps with the upgrade notes URL of the target minor', async () => {
    const {report} = await check({to: '1.19', current: '1.18.3', values: valuesFile('e.yaml', 'kubeProxyReplacement: true\n')})
    expect(report.findings.find((x) => x.messageId === 'latest-patch')?.title).to.equal('upgrade to 1.18.12 before the next minor')
    const pre = report.findings.find((x) => x.messageId === 'preflight')!
    expect(pre.message).to.include('https://docs.cilium.io/en/v1.19/operations/upgrade/#upgrade-notes')
    expect(pre.message).to.include('--version 1.19.6')
    expect(pre.message).to.include('k8sServiceHost') // kube-proxy-free: the pre-flight DaemonSet needs the API server address
    const latest = await check({to: '1.19', current: '1.18.12', values: valuesFile('f.yaml', 'routingMode: tunnel\n')})
    expect(latest.report.findings.filter((x) => x.messageId === 'latest-patch')).to.deep.equal([])
    expect(latest.report.findings.find((x) => x.messageId === 'preflight')?.message).to.not.include('k8sServiceHost')
  })
})

describe('upgrade-check: changed defaults and the report', () => {
  it('defaults that change under keys the user did not set are info with old and new value; set keys are not reported', async () => {
    const {report} = await check({to: '1.18', current: '1.17.18', values: valuesFile('g.yaml', 'startupProbe:\n  failureThreshold: 105\n')})
    const defaults = report.findings.filter((x) => x.id === 'upgrade-default-changed')
    expect(defaults.length).to.be.greaterThan(0)
    for (const d of defaults) expect(d.severity).to.equal('info')
    expect(defaults.find((d) => d.title.startsWith('l2NeighDiscovery.enabled'))?.title).to.equal('l2NeighDiscovery.enabled: default true → false')
    expect(defaults.map((d) => d.title).join('\n')).to.not.include('startupProbe.failureThreshold')
    // a short list default is written as a list, never as a quoted string
    const tol = defaults.find((d) => d.title.startsWith('operator.tolerations'))
    if (tol) expect(tol.fix).to.not.match(/: "\[/)
  })

  it('coverage says what was not judged: no cluster evidence means requirements not evaluated, never passed', async () => {
    const {report, code} = await check({to: '1.19', current: '1.18.12', values: valuesFile('h.yaml', 'routingMode: tunnel\n'), failOn: 'high'})
    const req = report.coverage.outcomes.find((o) => o.id === 'upgrade-requirements')
    expect(req).to.include({result: 'not-evaluated'})
    expect(report.findings.filter((f) => f.severity === 'high')).to.deep.equal([])
    expect(code).to.equal(0)
    expect(report.ciliumVersion).to.equal('1.18.12')
  })

  it('--write-values: removed keys replaced by their successors, comments and other keys kept', async () => {
    const values = valuesFile('i.yaml', '# our cluster\nenableCiliumEndpointSlice: true # CES\nipam:\n  mode: kubernetes # keep\n')
    const out = join(dir, 'i-1.18.yaml')
    const {err} = await check({to: '1.18', current: '1.17.18', values, writeValues: out})
    const text = readFileSync(out, 'utf8')
    expect(text).to.include('# our cluster')
    expect(text).to.include('mode: kubernetes # keep')
    expect(text).to.not.include('enableCiliumEndpointSlice: true')
    expect(parse(text)).to.deep.include({ciliumEndpointSlice: {enabled: true}, ipam: {mode: 'kubernetes'}})
    expect(err).to.include(`wrote ${out}`)
    expect(await refused({to: '1.18', current: '1.17.18', values, writeValues: out})).to.include('file exists')
  })
})

describe('upgrade-check --chart: the target chart from a directory instead of the shipped knowledge', () => {
  const chart = join(REFERENCE_DIR, 'helm', 'cilium-1.19.6')
  it('the same removal found from the released chart directory, and a chart of another version refused', async function () {
    if (!existsSync(join(chart, 'values.yaml'))) {
      console.log(`    (skipped: ${chart} is absent; --chart tests need the released chart in ../shared/reference/helm)`)
      this.skip()
    }
    const values = valuesFile('chart.yaml', 'nodePort:\n  enabled: true\n')
    const {report, err} = await check({to: '1.19.6', current: '1.18.12', values, chart})
    expect(err).to.include(`target chart: ${chart} (chart 1.19.6)`)
    expect(report.findings.find((f) => f.id === 'upgrade-removed-value')?.title).to.equal('nodePort.enabled is not in chart 1.19.6')
    // the directory has no templates: no upgradeCompatibility gates can be read from it, so none are claimed
    expect(report.findings.filter((f) => f.messageId === 'upgrade-compatibility')).to.deep.equal([])
    expect(err).to.include('has no templates/: its upgradeCompatibility gates were not checked')
    expect(await refused({to: '1.18', current: '1.17.18', values, chart})).to.match(/is chart 1\.19\.6, not 1\.18/)
  })
})
