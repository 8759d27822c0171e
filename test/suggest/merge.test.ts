import {expect} from 'chai'
import {parse} from 'yaml'
import {valuesDiff, textDiff} from '../../src/suggest/diff.js'
import {mergeValues} from '../../src/suggest/merge.js'
import {setFlag, setFlags} from '../../src/suggest/set-flags.js'
import {InputError} from '../../src/util/errors.js'

// A commented values file in the style of the Cilium chart's values.yaml (synthetic).
const VALUES = `# -- synthetic values for a test cluster
# (keep this header)

kubeProxyReplacement: "true"   # set by platform team
k8sServiceHost: api.internal.example
k8sServicePort: 6443

bpf:
  # -- Enable native IP masquerade support in eBPF
  masquerade: true
  # -- Configure the maximum number of service entries in the
  # load balancer maps.
  lbMapMax: 65536
  hostLegacyRouting: ~
  monitorAggregation: medium

hubble:
  relay:
    enabled: true   # relay on
  tls:
    server:
      cert: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFLSEhJRzZhQjAK"
      key: |
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
        -----END PRIVATE KEY-----

operator:
  replicas: 2
`

const lines = (s: string) => s.split('\n')

describe('suggest: --merge', () => {
  const edits = [
    {path: 'bpf.lbMapMax', value: 262144, comment: 'bpf-map-pressure: lb4 services 144 %'},
    {path: 'bpf.hostLegacyRouting', value: false, comment: 'legacy-host-routing'},
    {path: 'bpf.mapDynamicSizeRatio', value: 0.0085, comment: 'bpf-map-pressure: CT TCP'},
    {path: 'bpf.distributedLRU.enabled', value: true},
    {path: 'ciliumEndpointSlice.enabled', value: true, comment: 'endpoint-slice-off'},
  ]

  it('changes only the edited keys: every other line, comment and blank line is byte-identical', () => {
    const {text, fallbacks} = mergeValues(VALUES, edits)
    expect(fallbacks).to.deep.equal([])
    const parsed = parse(text)
    expect(parsed.bpf).to.deep.include({lbMapMax: 262144, hostLegacyRouting: false, mapDynamicSizeRatio: 0.0085, distributedLRU: {enabled: true}, masquerade: true})
    expect(parsed.ciliumEndpointSlice).to.deep.equal({enabled: true})
    expect(parsed.hubble.tls.server.key).to.contain('BEGIN PRIVATE KEY')
    // Remove the lines ciltune added or changed; what remains must be the original file exactly.
    const changed = new Set(['  lbMapMax: 262144', '  hostLegacyRouting: false'])
    const kept = lines(text).filter((l) => !l.includes('# ciltune suggest:') && !changed.has(l) &&
      !/^\s*(mapDynamicSizeRatio|distributedLRU|enabled: true$|ciliumEndpointSlice)/.test(l))
    const original = lines(VALUES).filter((l) => l !== '  lbMapMax: 65536' && l !== '  hostLegacyRouting: ~')
    expect(kept.join('\n')).to.equal(original.join('\n'))
    // The inserted keys sit inside the bpf block at its indentation.
    expect(text).to.contain('  monitorAggregation: medium\n  # ciltune suggest: bpf-map-pressure: CT TCP\n  mapDynamicSizeRatio: 0.0085\n  distributedLRU:\n    enabled: true\n')
    expect(text).to.contain('  # ciltune suggest: bpf-map-pressure: lb4 services 144 %\n  lbMapMax: 262144\n')
  })

  it('is idempotent: merging again changes nothing (no duplicate comments)', () => {
    const once = mergeValues(VALUES, edits).text
    expect(mergeValues(once, edits).text).to.equal(once)
  })

  it('empty file and a key with no children', () => {
    expect(parse(mergeValues('', edits.slice(0, 1)).text)).to.deep.equal({bpf: {lbMapMax: 262144}})
    const t = mergeValues('# only a comment\nbpf:\nother: 1\n', [{path: 'bpf.lbMapMax', value: 131072}]).text
    expect(parse(t)).to.deep.equal({bpf: {lbMapMax: 131072}, other: 1})
    expect(t.startsWith('# only a comment\n')).to.equal(true)
  })

  it('flow maps fall back to the serializer and say so', () => {
    const r = mergeValues('bpf: {lbMapMax: 65536}\n', [{path: 'bpf.natMax', value: 1048576}])
    expect(r.fallbacks).to.deep.equal(['bpf.natMax'])
    expect(parse(r.text)).to.deep.equal({bpf: {lbMapMax: 65536, natMax: 1048576}})
  })

  it('refuses broken YAML and non-mappings with one line', () => {
    expect(() => mergeValues('a: [1,\n', edits, 'v.yaml')).to.throw(InputError, /^--merge v.yaml: not valid YAML/)
    expect(() => mergeValues('- a\n- b\n', edits, 'v.yaml')).to.throw(InputError, /expected a YAML mapping/)
  })
})

describe('suggest: --diff and --set', () => {
  const current = parse(VALUES) as Record<string, unknown>
  const overlay = {bpf: {lbMapMax: 262144, hostLegacyRouting: false}}

  it('unified diff current → suggested, secrets redacted on both sides', () => {
    const d = valuesDiff(current, overlay)
    expect(d).to.match(/^={67}\n--- current values\n\+\+\+ suggested values\n/)
    for (const l of ['-  lbMapMax: 65536', '+  lbMapMax: 262144', '-  hostLegacyRouting: null', '+  hostLegacyRouting: false', '   masquerade: true']) {
      expect(d.split('\n')).to.include(l)
    }
    expect(d).not.to.contain('BEGIN PRIVATE KEY')
    expect(d).not.to.contain('LS0tLS1CRUdJTi')
    // Secrets near a change appear redacted in the context lines.
    const near = valuesDiff(current, {hubble: {tls: {server: {extra: 1}}}})
    expect(near).to.match(/^ {7}cert: <redacted>$/m)
    expect(near).to.match(/^ {7}key: <redacted>$/m)
    const merged = mergeValues(VALUES, [{path: 'bpf.lbMapMax', value: 262144}]).text
    const t = textDiff('values.yaml', VALUES, merged)
    expect(t).not.to.contain('PRIVATE KEY')
    expect(t).to.contain('-  lbMapMax: 65536\n+  lbMapMax: 262144')
  })

  it('--set flags: types kept, strings that look typed use --set-string, commas escaped, secrets redacted, version pinned', () => {
    expect(setFlag({path: 'bpf.lbMapMax', value: 262144})).to.equal('--set bpf.lbMapMax=262144')
    expect(setFlag({path: 'bpf.hostLegacyRouting', value: false})).to.equal('--set bpf.hostLegacyRouting=false')
    expect(setFlag({path: 'kubeProxyReplacement', value: 'true'})).to.equal('--set-string kubeProxyReplacement=true')
    expect(setFlag({path: 'extraConfig.bpf-sock-rev-map-max', value: '524288'})).to.equal('--set-string extraConfig.bpf-sock-rev-map-max=524288')
    expect(setFlag({path: 'k8s.apiServerURLs', value: 'https://10.0.0.1:6443 https://10.0.0.2:6443'})).to.equal("--set 'k8s.apiServerURLs=https://10.0.0.1:6443 https://10.0.0.2:6443'")
    expect(setFlag({path: 'debug.verbose', value: 'flow,kvstore'})).to.equal("--set 'debug.verbose=flow\\,kvstore'")
    expect(setFlag({path: 'hubble.tls.server.key', value: 'abc'})).to.equal("--set 'hubble.tls.server.key=<redacted>'")
    const all = setFlags([{path: 'bpf.lbMapMax', value: 262144}, {path: 'bpf.datapathMode', value: 'netkit'}], {version: '1.18.4'})
    expect(all).to.equal('helm upgrade cilium cilium/cilium -n kube-system --version 1.18.4 --reuse-values \\\n  --set bpf.lbMapMax=262144 \\\n  --set bpf.datapathMode=netkit\n')
  })
})
