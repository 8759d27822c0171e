import {expect} from 'chai'
import {ALLOWED_COMMANDS, featureCommands, isAllowed} from '../../src/collect/allowlist.js'

describe('the exec allowlist', () => {
  it('is exactly the read-only commands, in both spellings', () => {
    const base = ['status --verbose', 'service list', 'map list', 'metrics list', 'encrypt status', 'bgp peers']
    expect([...ALLOWED_COMMANDS].sort()).to.deep.equal(['cilium-dbg', 'cilium'].flatMap((b) => base.map((c) => `${b} ${c}`)).sort())
  })

  it('refuses anything else, including neighbours of the listed commands', () => {
    for (const argv of [['cilium-dbg', 'encrypt', 'flush'], ['cilium-dbg', 'bgp', 'peers', '-o', 'json'], ['cilium-dbg', 'encrypt'],
      ['cilium-dbg', 'bgp', 'routes'], ['sh', '-c', 'cilium-dbg bgp peers'], ['cilium-dbg', 'encrypt status']]) {
      expect(isAllowed(argv), argv.join(' ')).to.equal(false)
    }
    expect(isAllowed(['cilium-dbg', 'encrypt', 'status'])).to.equal(true)
    expect(isAllowed(['cilium', 'bgp', 'peers'])).to.equal(true)
  })

  it('asks for encrypt status and bgp peers only where cilium-config turns their feature on', () => {
    const names = (d?: Record<string, unknown>) => featureCommands(d).map((c) => c.args.join(' '))
    expect(names(undefined)).to.deep.equal([])
    expect(names({'enable-ipsec': 'false', 'enable-wireguard': 'false', 'enable-bgp-control-plane': 'false'})).to.deep.equal([])
    expect(names({'enable-ipsec': 'true'})).to.deep.equal(['encrypt status'])
    expect(names({'enable-wireguard': 'true'})).to.deep.equal(['encrypt status'])
    expect(names({'enable-bgp-control-plane': 'true', 'enable-wireguard': 'true'})).to.deep.equal(['encrypt status', 'bgp peers'])
  })
})
