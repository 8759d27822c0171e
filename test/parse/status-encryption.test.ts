import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {parseStatusText} from '../../src/parse/status-text.js'
import {parseStatusJson} from '../../src/parse/status-json.js'
import {readReference, requireReference} from '../helpers/reference.js'

const fixture = (name: string) => parseStatusText(readFileSync(`fixtures/resilience/${name}`, 'utf8'), name)

// real outputs 1.10 → 1.19 (../shared/reference): the line is read in every version's padding
const REFERENCE = [
  'status-verbose_1.10.0_baseline-minikube.txt',
  'status-verbose_1.15.2_issue31567-kpr-bpfmaps-FRAGMENT.txt',
  'status-verbose_1.17.6-cee.1_isovalent-native-bpf-tcx-TRUNCATED-unattributed.txt',
  'status-verbose_1.18.0_health-endpoint-timeout-vxlan-legacy-TRUNCATED-unattributed.txt',
  'status-verbose_1.19_issue45252-kpr-tail-bpfmaps-health-FRAGMENT.txt',
  'status_1.18.7_health-1of3-masq-disabled-eks.txt',
]

describe('status "Encryption:" line', () => {
  it('reads Disabled in the real outputs of 1.10 to 1.19, with no WireGuard details', function () {
    requireReference(this)
    for (const f of REFERENCE) {
      const st = parseStatusText(readReference(f), f)
      expect(st.encryption?.mode, f).to.equal('Disabled')
      expect(st.encryption?.interfaces, f).to.equal(undefined)
      expect(st.encryption?.src.text, f).to.match(/^Encryption:/)
    }
  })
  it('reads the pre-1.14 WireGuard form: device, port, peers, no NodeEncryption', () => {
    const e = fixture('status-1.13-wireguard-missing-peer.txt').encryption
    expect(e?.mode).to.equal('Wireguard')
    expect(e?.interfaces).to.deep.equal([{name: 'cilium_wg0', port: 51871, peers: 1}])
    expect(e?.nodeEncryption).to.equal(undefined)
    expect(e?.src.line).to.equal(19)
  })
  it('reads the 1.14+ WireGuard form with NodeEncryption', () => {
    const st = fixture('status-1.16-wireguard-node-encryption-disabled.txt')
    expect(st.encryption?.nodeEncryption).to.equal('Disabled')
    expect(st.encryption?.interfaces).to.deep.equal([{name: 'cilium_wg0', port: 51871, peers: 2}])
    expect(st.unrecognized).to.deep.equal([])
  })
  it('keeps IPsec bare and a WireGuard message as an error', () => {
    expect(parseStatusText('Encryption:   IPsec   \n', 's').encryption).to.include({mode: 'IPsec'}).and.not.have.property('error')
    const e = parseStatusText('Encryption:   Wireguard   failed to get wireguard device: link not found\n', 's').encryption
    expect(e?.error).to.equal('failed to get wireguard device: link not found')
    expect(e?.interfaces).to.equal(undefined)
  })
  it('reads models.WireguardStatus from status -o json', () => {
    const json = JSON.stringify({encryption: {mode: 'Wireguard', wireguard: {'node-encryption': 'Enabled', interfaces: [{name: 'cilium_wg0', 'listen-port': 51871, 'peer-count': 4, 'public-key': 'x'}]}}}, null, 2)
    const e = parseStatusJson(json, 's.json').encryption
    expect(e?.nodeEncryption).to.equal('Enabled')
    expect(e?.interfaces).to.deep.equal([{name: 'cilium_wg0', port: 51871, peers: 4}])
  })
})
