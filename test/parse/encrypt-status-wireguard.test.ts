import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {classify} from '../../src/ingest/classify.js'
import {buildSnapshot} from '../../src/ingest/build.js'
import {emptyCollected} from '../../src/ingest/evidence.js'
import {parseEncryptStatus} from '../../src/parse/encrypt-status.js'
import {encryptionObject, mergeEncryptStatus, parseEncryptStatusJson} from '../../src/parse/encrypt-status-json.js'
import {roleOf} from '../../src/sysdump/layout.js'

/* WireGuard as `cilium-dbg encrypt status` and `cilium-dbg debuginfo` print it (fixtures/resilience/INDEX.md). */

const FIX = 'fixtures/resilience/'
const read = (f: string) => readFileSync(FIX + f, 'utf8')
const TEXT = 'encrypt-status-1.17-wireguard.txt'
const JSON_FILE = 'debuginfo-encryption-1.16-wireguard-no-handshake.json'
const MD = 'debuginfo-1.10-wireguard-section.md'

describe('WireGuard encryption status', () => {
  it('recognizes the three forms by content', () => {
    expect([TEXT, JSON_FILE, MD].map((f) => classify(read(f)))).to.deep.equal(['encrypt-status', 'encrypt-status', 'encrypt-status'])
  })

  it('encrypt status: the device and its peer count, no peer details', () => {
    const e = parseEncryptStatus(read(TEXT), TEXT)
    expect(e.mode).to.equal('Wireguard')
    expect(e.interfaces).to.have.length(1)
    expect(e.interfaces![0]).to.include({name: 'cilium_wg0', peerCount: 3})
    expect(e.interfaces![0].peers).to.equal(undefined)
    expect(e.interfaces![0].src.line).to.equal(2)
  })

  it('debuginfo JSON: every peer with its handshake, the zero time as never, node encryption, no keys kept', () => {
    const e = parseEncryptStatusJson(read(JSON_FILE), JSON_FILE)
    expect(e.mode).to.equal('Wireguard')
    expect(e.nodeEncryption).to.equal('Enabled')
    const i = e.interfaces![0]
    expect(i.peerCount).to.equal(3)
    expect(i.peers!.map((p) => [p.endpoint, p.handshake])).to.deep.equal([['192.0.2.32:51871', true], ['192.0.2.33:51871', false], ['192.0.2.34:51871', true]])
    expect(i.peers![1].src).to.deep.include({file: JSON_FILE, line: 28})
    expect(i.peers![1].src.text).to.contain('0001-01-01T00:00:00.000Z')
    expect(JSON.stringify(e)).not.to.contain('Q2lsdHVuZVBlZXJLZXlUd29')
  })

  it('debuginfo JSON: the "encryption" key inside the whole DebugInfo document', () => {
    const whole = `{\n  "cilium-version": "1.16.3 f2217191 2024-10-22T12:00:00+00:00 go version go1.22.8 linux/amd64",\n  "encryption": ${read(JSON_FILE).trim().replace(/\n/g, '\n  ')},\n  "kernel-version": "6.1.0-26-amd64"\n}\n`
    expect(classify(whole)).to.equal('encrypt-status')
    const e = parseEncryptStatusJson(whole, 'debuginfo.json')
    expect(e.interfaces![0].peers!.filter((p) => !p.handshake).map((p) => p.src.line)).to.deep.equal([30])
  })

  it('debuginfo markdown: peers of the 1.10 section, the zero time as never', () => {
    const e = parseEncryptStatus(read(MD), MD)
    expect(e.mode).to.equal('Wireguard')
    expect(e.interfaces![0].peers!.map((p) => [p.endpoint, p.handshake, p.src.line])).to.deep.equal([['192.0.2.12:51871', true, 13], ['192.0.2.13:51871', false, 19]])
  })

  it('JSON that is not an encryption status is refused with what was expected', () => {
    expect(encryptionObject({mode: 'Wireguard'})).to.equal(undefined)
    expect(() => parseEncryptStatusJson('{"cilium": {"state": "Ok"}}', 'x.json')).to.throw(/expected a JSON encryption status/)
  })

  it('merging encrypt status with debuginfo keeps the peer details from either side', () => {
    const text = parseEncryptStatus(read(TEXT), TEXT)
    const json = parseEncryptStatusJson(read(JSON_FILE), JSON_FILE)
    for (const m of [mergeEncryptStatus(text, json), mergeEncryptStatus(json, text)]) {
      expect(m.interfaces![0].peers).to.have.length(3)
      expect(m.nodeEncryption).to.equal('Enabled')
    }
  })

  it('a sysdump\'s encrypt status and debuginfo JSON are read as the agent\'s encryption status', () => {
    const base = 'cilium-bugtool-cilium-x9p4t-20260302-102400/cmd/'
    expect(roleOf(base + 'cilium-dbg-encrypt-status.md')).to.deep.include({agent: 'cilium-x9p4t', kind: 'encrypt-status'})
    expect(roleOf(base + 'cilium-debuginfo-20260302-102400.123+0000-UTC.json')).to.deep.include({kind: 'encrypt-status'})
    expect(roleOf(base + 'cilium-dbg-debuginfo---output=markdown,json--f---output-directory=-tmp.md')).to.equal(undefined)
  })

  it('an agent with both files gets one status holding the peers', () => {
    const c = emptyCollected('files')
    c.files.push({path: TEXT, text: read(TEXT), agent: 'cilium-x9p4t'}, {path: JSON_FILE, text: read(JSON_FILE), agent: 'cilium-x9p4t'})
    c.agents.push('cilium-x9p4t')
    const a = buildSnapshot(c).agents.find((x) => x.name === 'cilium-x9p4t')
    expect(a?.encrypt?.interfaces?.[0].peers?.filter((p) => !p.handshake).map((p) => p.endpoint)).to.deep.equal(['192.0.2.33:51871'])
  })
})

describe('IPsec encryption status as JSON (models.IPsecStatus, api/v1/openapi.yaml)', () => {
  it('reads keys, sequence number and the non-zero XFRM counters with their lines', () => {
    const text = '{\n  "ipsec": {\n    "decrypt-interfaces": [\n      "eth0"\n    ],\n    "error-count": 14,\n    "keys-in-use": 2,\n    "max-seq-number": "0x1f3/0xffffffff",\n    "xfrm-errors": {\n      "XfrmInStateProtoError": 14\n    }\n  },\n  "mode": "IPsec"\n}\n'
    expect(classify(text)).to.equal('encrypt-status')
    const e = parseEncryptStatusJson(text, 'encrypt.json')
    expect(e).to.deep.include({mode: 'IPsec', keysInUse: 2, errors: 14, maxSeq: {used: 0x1f3, max: 0xffffffff}})
    expect(e.errorRows.map((r) => [r.name, r.count, r.src.line, r.src.text])).to.deep.equal([['XfrmInStateProtoError', 14, 10, '"XfrmInStateProtoError": 14']])
    expect(e.src.line).to.equal(13)
  })
})
