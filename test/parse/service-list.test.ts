import {expect} from 'chai'
import {looksLikeServiceList, parseServiceList} from '../../src/parse/service-list.js'
import {ServiceList} from '../../src/snapshot/schema.js'
import {readReference, requireReference} from '../helpers/reference.js'

function parse(text: string, file = 'svc.txt') {
  const r = parseServiceList(text, file)
  ServiceList.parse(r)
  return r
}

describe('parseServiceList: real samples', function () {
  before(function () { requireReference(this) })

  it('1.10 basic list: 8 services, stateless backends read as active, no unrecognized lines', function () {
    const r = parse(readReference('service-list_1.10.0_basic.txt'), 'svc-1.10')
    expect(r.format).to.equal('text')
    expect(r.services.map((s) => s.id)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8])
    expect(r.unrecognized).to.deep.equal([])
    const np = r.services.find((s) => s.frontend === '0.0.0.0:32662')!
    expect(np.type).to.equal('NodePort')
    expect(np.backends[0]).to.include({ip: '10.88.0.9', port: 8080, state: 'active', index: 1})
    expect(np.src).to.deep.equal({file: 'svc-1.10', line: 8, text: '7    0.0.0.0:32662          NodePort       1 => 10.88.0.9:8080'})
    expect(r.services[7].backends[0].address).to.equal('192.168.99.102:8443')
  })

  it('1.12 quarantined backend on the service row, two continuation backends', function () {
    const r = parse(readReference('service-list_1.12-dev_pr18814-quarantined.txt'))
    expect(r.services).to.have.length(1)
    const s = r.services[0]
    expect(s).to.include({id: 4, frontend: '10.96.95.246:80', type: 'ClusterIP', remote: false})
    expect(s.backends.map((b) => `${b.index} ${b.ip}:${b.port} ${b.state}`)).to.deep.equal([
      '1 10.244.0.58:80 quarantined', '2 10.244.1.59:80 active', '3 10.244.1.8:80 active',
    ])
    expect(s.backends[2].src.line).to.equal(4)
  })

  it('1.14 service get: maintenance backend', function () {
    const r = parse(readReference('service-get_1.14-dev_pr24136-maintenance-state.txt'))
    expect(r.services[0]).to.include({id: 3043, port: 6379, type: 'NodePort'})
    expect(r.services[0].backends.map((b) => b.state)).to.deep.equal(['active', 'maintenance', 'active'])
    expect(r.services[0].backends[1].ip).to.equal('10.249.92.40')
  })

  it('1.18 header-less fragment with /TCP suffixes', function () {
    const r = parse(readReference('service-list_1.18.0_fragment-multibackend.txt'))
    expect(r.unrecognized).to.deep.equal([])
    expect(r.services[0]).to.include({id: 20, ip: '10.96.32.212', port: 80, proto: 'TCP', frontend: '10.96.32.212:80/TCP'})
    expect(r.services[0].backends.map((b) => b.address)).to.deep.equal(['172.20.0.140:80/TCP', '172.20.1.213:80/TCP', '172.20.2.43:80/TCP'])
    expect(r.services[0].backends.every((b) => b.proto === 'TCP' && b.state === 'active')).to.equal(true)
  })

  it('1.20-dev list: TCP/UDP twins for DNS, gaps in IDs, cut-off last backend has unknown state', function () {
    const r = parse(readReference('service-list_1.20-dev_pr44301-l4proto-suffix-TRUNCATED.txt'))
    expect(r.services.map((s) => s.id)).to.deep.equal([1, 2, 3, 4, 5, 12, 15, 16])
    expect(r.services.filter((s) => s.ip === '10.96.0.10' && s.port === 53).map((s) => s.proto)).to.deep.equal(['TCP', 'UDP'])
    expect(r.services[2].backends).to.have.length(2)
    const last = r.services[7].backends[0]
    expect(last).to.include({ip: '10.244.1.67', port: 80, state: 'unknown'})
  })

  it('duplicate service IDs are both kept', function () {
    const r = parse(readReference('service-list_unknown_issue32758-duplicate-service-ids.txt'))
    expect(r.services.map((s) => `${s.id} ${s.port} ${s.type}`)).to.deep.equal(['65535 6968 HostPort', '65535 6969 HostPort'])
  })
})

describe('parseServiceList: synthetic forms', function () {
  it('main-branch form without the ID column, (Remote) types, no-backend services, (preferred), terminating', function () {
    const text = [
      'Frontend                Service Type          Backend                                  ',
      '10.96.0.1:443/TCP       ClusterIP             1 => 172.19.0.2:6443/TCP (active)        ',
      '10.96.0.20:80/TCP       ClusterIP (Remote)    1 => 10.1.0.5:80/TCP (active) (preferred)',
      '                                              2 => 10.2.0.5:80/TCP (terminating)       ',
      '10.96.0.30:8080/TCP     LoadBalancer                                                   ',
      '[fd00::10]:53/UDP       ClusterIP             1 => [fd00:10::5]:53/UDP (active)        ',
    ].join('\n')
    const r = parse(text)
    expect(r.unrecognized).to.deep.equal([])
    expect(r.services).to.have.length(4)
    expect(r.services[0].id).to.equal(undefined)
    expect(r.services[1]).to.include({type: 'ClusterIP', remote: true})
    expect(r.services[1].backends.map((b) => [b.state, b.preferred])).to.deep.equal([['active', true], ['terminating', false]])
    expect(r.services[2]).to.include({type: 'LoadBalancer', port: 8080})
    expect(r.services[2].backends).to.deep.equal([])
    expect(r.services[3]).to.include({ip: 'fd00::10', port: 53, proto: 'UDP'})
    expect(r.services[3].backends[0].ip).to.equal('fd00:10::5')
  })

  it('1.18.6 ID form with a no-backend service between others', function () {
    const text = 'ID   Frontend            Service Type   Backend\n7    10.96.5.5:80/TCP    ClusterIP\n8    10.96.0.1:443/TCP   ClusterIP      1 => 172.19.0.2:6443/TCP (active)\n'
    const r = parse(text)
    expect(r.services.map((s) => [s.id, s.backends.length])).to.deep.equal([[7, 0], [8, 1]])
  })

  it('garbage lines go to unrecognized with their line numbers', function () {
    const r = parse('ID   Frontend   Service Type   Backend\nerror: connection refused\n3   10.0.0.1:80   ClusterIP   1 => 10.1.1.1:80 (active)\n')
    expect(r.unrecognized).to.deep.equal([{line: 2, text: 'error: connection refused'}])
    expect(r.services).to.have.length(1)
  })

  it('-o json: realized frontend/backends, states, preferred, cluster → remote, line numbers', function () {
    const json = JSON.stringify([
      {spec: {id: 5, 'frontend-address': {ip: '10.96.0.1', port: 443, protocol: 'TCP', scope: 'external'},
        'backend-addresses': [{ip: '172.19.0.2', port: 6443, protocol: 'TCP', state: 'active'}],
        flags: {type: 'ClusterIP', name: 'kubernetes', namespace: 'default'}},
      status: {realized: {id: 5, 'frontend-address': {ip: '10.96.0.1', port: 443, protocol: 'TCP', scope: 'external'},
        'backend-addresses': [{ip: '172.19.0.2', port: 6443, protocol: 'TCP', state: 'active'}, {ip: '172.19.0.3', port: 6443, protocol: 'TCP', state: 'quarantined', preferred: true}]}}},
      {spec: {id: 9, 'frontend-address': {ip: '10.96.9.9', port: 80}, flags: {type: 'ClusterIP', cluster: 'cluster-b'}}},
    ], null, 2)
    const r = parse(json, 'svc.json')
    expect(r.format).to.equal('json')
    expect(r.services).to.have.length(2)
    expect(r.services[0]).to.include({id: 5, frontend: '10.96.0.1:443/TCP', type: 'ClusterIP', remote: false})
    expect(r.services[0].backends.map((b) => [b.ip, b.state, b.preferred])).to.deep.equal([['172.19.0.2', 'active', false], ['172.19.0.3', 'quarantined', true]])
    const feLine = json.split('\n').findIndex((l, i) => i > 10 && l.includes('"frontend-address"')) + 1
    expect(r.services[0].src.line).to.equal(feLine)
    expect(r.services[1]).to.include({remote: true, frontend: '10.96.9.9:80'})
    expect(r.services[1].backends).to.deep.equal([])
  })
})

describe('looksLikeServiceList', function () {
  it('accepts the text and JSON forms, rejects other outputs', function () {
    expect(looksLikeServiceList('ID   Frontend   Service Type   Backend\n')).to.equal(true)
    expect(looksLikeServiceList('[\n  {\n    "spec": {\n      "frontend-address": {}}}]')).to.equal(true)
    expect(looksLikeServiceList('Name   Num entries   Num errors   Cache enabled\n')).to.equal(false)
    expect(looksLikeServiceList('level=info msg="x" subsys=daemon\n')).to.equal(false)
    expect(looksLikeServiceList('[{"name":"cilium_x","labels":{},"value":1}]')).to.equal(false)
  })
})
