import {expect} from 'chai'
import {logCutAtEnd, salvageDocument, statusCut} from '../../src/parse/truncation.js'
import {absentBeforeCut, settingCut} from '../../src/rules/lib/core.js'
import type {Truncation} from '../../src/snapshot/schema.js'
import {config, snapshot} from '../helpers/snapshot.js'

/* Where a capture was cut, and what a cut lets a reader still conclude. */

const CM = 'apiVersion: v1\ndata:\n  bpf-lb-map-max: "65536"\n  enable-bpf-masquerade: "true"\n  kube-proxy-replacement: "true"\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n'

describe('salvageDocument', () => {
  const cases: Array<[string, string, Partial<Truncation> | undefined, ((v: string) => void)?]> = [
    ['a whole kubectl ConfigMap', CM, undefined],
    ['a whole hand-written values file without a final newline', 'bpf:\n  masquerade: true\nrouting: native', {line: 2}],
    ['YAML cut inside a quoted value', CM.slice(0, CM.indexOf('"true"') + 3), {line: 3, after: ['data', 'bpf-lb-map-max']}],
    ['YAML cut at a line end: kubectl never stops before kind', CM.slice(0, CM.indexOf('kind:')), {line: 5, reason: 'the kubectl output ends before its `kind:` line', after: ['data', 'kube-proxy-replacement']}],
    ['YAML cut inside metadata: every data key was read', CM.slice(0, CM.indexOf('name:') + 3), {line: 7, after: ['metadata']}],
    ['a line broken in the middle of the file stays an error (not salvaged)', 'a: 1\nb: [unclosed\nc: 3\n', undefined],
    ['a broken last line that ends with a newline is broken, not cut', 'a: 1\nb: [unclosed\n', undefined],
    ['JSON cut inside a string', '{\n    "apiVersion": "v1",\n    "data": {\n        "a-key": "1",\n        "b-key": "tr', {line: 4, after: ['data', 'a-key']},
      (t) => expect(JSON.parse(t)).to.deep.equal({apiVersion: 'v1', data: {'a-key': '1'}})],
    ['JSON whose brackets close but which is broken is not salvaged', '{"a": 1,, "b": 2}', undefined],
  ]
  for (const [name, text, want, check] of cases) {
    it(name, () => {
      const out = salvageDocument(text)
      if (!want) return expect(out.truncation).to.equal(undefined)
      expect(out.truncation).to.include(Object.fromEntries(Object.entries(want).filter(([k]) => k !== 'after')))
      if (want.after) expect(out.truncation?.after).to.deep.equal(want.after)
      check?.(out.text)
    })
  }

  it('helm output (sorted) names the last key read; a few keys in order of a hand-written file do not', () => {
    const text = 'bpf:\n  masquerade: true\nkubeProxyReplacement: true\nk8sServiceHost: "api.exa'
    expect(salvageDocument(text).truncation?.after).to.equal(undefined)
    expect(salvageDocument(text, {printedSorted: true}).truncation?.after).to.deep.equal(['kubeProxyReplacement'])
  })
})

describe('absentBeforeCut / settingCut', () => {
  const cut: Truncation = {line: 40, text: 'x', reason: 'r', after: ['data', 'enable-bpf-masquerade']}
  const table: Array<[Array<string | number>, Truncation | undefined, boolean]> = [
    [['data', 'bpf-lb-map-max'], cut, true], // sorts before the last key read
    [['data', 'kube-proxy-replacement'], cut, false], // after it
    [['data', 'enable-bpf-masquerade'], cut, false], // the last key read itself
    [['apiVersion'], cut, true],
    [['metadata', 'name'], cut, false],
    [['data', 'a'], {line: 3, text: 'x', reason: 'unsorted'}, false], // order unknown: anything may follow
    [['data', 'a'], undefined, true], // not cut
  ]
  for (const [path, c, want] of table) {
    it(`${path.join('.')} with ${c?.after ? `a cut after ${c.after.join('.')}` : c ? 'an unsorted cut' : 'no cut'} → ${want}`, () => {
      expect(absentBeforeCut(c, path)).to.equal(want)
    })
  }

  it('a key present, or absent from a whole source, is settled; absent after the cut is not', () => {
    const cm = {...config({'bpf-lb-map-max': '65536', 'enable-bpf-masquerade': 'true'}), truncation: cut}
    const s = snapshot({cluster: {config: cm}})
    expect(settingCut(s, {config: 'enable-bpf-masquerade'})).to.equal(undefined)
    expect(settingCut(s, {config: 'bpf-ct-global-tcp-max'})).to.equal(undefined)
    expect(settingCut(s, {config: 'kube-proxy-replacement'})).to.match(/cilium-config was cut at line 40 before kube-proxy-replacement/)
    const whole = snapshot({cluster: {config: config({'bpf-lb-map-max': '65536'})}})
    expect(settingCut(whole, {config: 'kube-proxy-replacement'})).to.equal(undefined)
  })
})

describe('statusCut and logCutAtEnd', () => {
  it('a status whose last row was cut mid-line; a whole one is not cut', () => {
    const text = 'KVStore:   Disabled\nController Status:   2/2 healthy\n  Name   Last success   Last error   Count   Message\n  sync-a   1s ago   never   0   no error\n  sync-b   2s ag'
    const cut = statusCut(text, {unrecognized: [{line: 5, text: '  sync-b   2s ag'}]})
    expect(cut?.truncation?.line).to.equal(4)
    expect(cut?.text.endsWith('no error\n')).to.equal(true)
    expect(statusCut(`${text.slice(0, text.lastIndexOf('\n'))}\n`, {unrecognized: []})).to.equal(undefined)
  })

  it('a health node block left without its probe results is dropped with the cut', () => {
    const text = 'Cluster health:   2/2 reachable   (2026-02-03T14:20:46Z)\n  node-a (localhost):\n    Host connectivity to 192.0.2.1:\n      ICMP to stack:   OK, RTT=1ms\n      HTTP to ag'
    const cut = statusCut(text, {unrecognized: [{line: 5, text: '      HTTP to ag'}]})
    expect(cut?.truncation?.line).to.equal(1)
  })

  const logs: Array<[string, string, number | undefined]> = [
    ['logfmt cut inside its quoted msg', 'level=info msg="a"\nlevel=error msg="Failed to upd', 1],
    ['slog JSON cut mid-object', '{"level":"info","msg":"a"}\n{"level":"error","msg":"Fail', 1],
    ['a single pasted line without a newline is read', 'level=error msg="Failed to update lock" error="x"', undefined],
    ['a klog line without a newline is read', 'E0102 10:00:00.000000       1 leaderelection.go:330] error retrieving resource lock', undefined],
    ['a log that ends with a newline is whole', 'level=error msg="Failed to upd\n', undefined],
  ]
  for (const [name, text, line] of logs) {
    it(name, () => {
      const cut = logCutAtEnd(text)
      if (line === undefined) return expect(cut).to.equal(undefined)
      expect(cut?.truncation?.line).to.equal(line)
      expect(cut?.text.split('\n').filter(Boolean)).to.have.length(line)
    })
  }
})
