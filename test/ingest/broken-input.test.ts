import {expect} from 'chai'
import {buildSnapshot} from '../../src/ingest/build.js'
import {emptyCollected} from '../../src/ingest/evidence.js'
import {loadRules, runRules} from '../../src/rules/engine.js'

/*
 * A configuration file that Helm or kubectl would refuse is an error naming its line, and a high finding:
 * never `{}` whose every key reads as "absent" (which passed rules and hid the real finding).
 */

async function judge(path: string, text: string) {
  const c = emptyCollected('files', path)
  c.files.push({path, text})
  const snapshot = buildSnapshot(c)
  const {findings} = runRules(await loadRules(), snapshot)
  return {snapshot, findings}
}

describe('broken configuration input is an error, never an empty config', function () {
  const cases: Array<[string, string, string, number, RegExp]> = [
    ['an unparsable line', 'values.yaml', 'USER-SUPPLIED VALUES:\nbpf:\n  lbMapMax: 1024\nkubeProxyReplacement: true\nbroken: [unclosed\n', 5, /line 5: not valid YAML .*broken: \[unclosed/],
    ['a duplicated key', 'values.yaml', 'bpf:\n  lbMapMax: 1024\nkubeProxyReplacement: true\nbpf:\n  masquerade: true\n', 4, /line 4: not valid YAML \(duplicate key\): bpf:/],
    ['a broken cilium-config', 'cilium-config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\ndata:\n  bpf-lb-map-max: "65536\n  routing-mode: native\n', 6, /cilium-config\.yaml: line \d+: not valid YAML/],
  ]
  for (const [name, path, text, line, re] of cases) {
    it(`${name}: a cluster error naming the line and a high source-failed finding`, async () => {
      const {snapshot, findings} = await judge(path, text)
      expect(snapshot.cluster.helm).to.equal(undefined)
      expect(snapshot.cluster.config).to.equal(undefined)
      expect(snapshot.cluster.errors.map((e) => e.message).join('\n')).to.match(re)
      const f = findings.find((x) => x.id === 'source-failed')
      expect(f?.severity).to.equal('high')
      expect(f?.messageId).to.equal('input-unparsable')
      if (path === 'values.yaml') expect(f?.evidence[0].line).to.equal(line)
    })
  }

  it('CR-only line endings are lines, so the values are read and judged', async () => {
    const {snapshot, findings} = await judge('values.yaml', 'kubeProxyReplacement: true\rbpf:\r  lbMapMax: 1024\r')
    expect(snapshot.cluster.helm?.values).to.deep.equal({kubeProxyReplacement: true, bpf: {lbMapMax: 1024}})
    expect(findings.map((f) => `${f.id}/${f.messageId}`)).to.include('configured-risks/kpr-without-k8s-service-host')
  })
})
