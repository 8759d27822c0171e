import {expect} from 'chai'
import {looksLikeMapList, parseMapList} from '../../src/parse/map-list.js'
import {MapList} from '../../src/snapshot/schema.js'
import {readReference, requireReference} from '../helpers/reference.js'

function parse(text: string, file = 'maps.txt') {
  const r = parseMapList(text, file)
  MapList.parse(r)
  return r
}

describe('parseMapList: real samples', function () {
  before(function () { requireReference(this) })

  it('1.10 --verbose cache dump: one row per "## Map:" section with cached entry counts', function () {
    const r = parse(readReference('map-list-verbose_1.10.0_cache-dump.txt'), 'v.txt')
    expect(r.verbose).to.equal(true)
    expect(r.maps).to.have.length(13)
    const byName = Object.fromEntries(r.maps.map((m) => [m.name, m]))
    expect(byName.cilium_lxc).to.include({entries: 6, errors: 0, cacheEnabled: true})
    expect(byName.cilium_lb4_services_v2).to.include({entries: 8, cacheEnabled: true})
    expect(byName.cilium_ipcache.entries).to.equal(21)
    expect(byName.cilium_egress_v4.entries).to.equal(1) // key with an inner space
    expect(byName.cilium_lb4_source_range).to.include({entries: 0, cacheEnabled: true}) // "Cache is empty"
    expect(byName.cilium_metrics.cacheEnabled).to.equal(false)
    expect(byName.cilium_metrics.entries).to.equal(undefined)
    expect(byName.cilium_lb4_services_v2.src).to.deep.equal({file: 'v.txt', line: 10, text: '## Map: cilium_lb4_services_v2'})
    expect(r.errorEntries).to.deep.equal([])
    expect(r.unrecognized).to.deep.equal([])
  })

  it('1.17.5 plain list: policy_v2 maps, runtime_config 256, truncated last row unrecognized', function () {
    const r = parse(readReference('map-list_1.17.5_issue41255-TRUNCATED.txt'))
    expect(r.verbose).to.equal(false)
    expect(r.maps).to.have.length(15)
    expect(r.maps.find((m) => m.name === 'cilium_runtime_config')).to.include({entries: 256, errors: 0, cacheEnabled: true})
    expect(r.maps.filter((m) => m.name.startsWith('cilium_policy_v2_'))).to.have.length(6)
    expect(r.unrecognized).to.deep.equal([{line: 17, text: 'cilium_ratelimit           0'}])
  })

  it('1.18.0 filtered list: lb4_services_v2 45, ipcache_v2 22', function () {
    const r = parse(readReference('map-list_1.18.0_filtered-nonzero.txt'))
    expect(r.maps.map((m) => m.name)).to.include.members(['cilium_ipcache_v2', 'cilium_lb4_backends_v3'])
    expect(r.maps.find((m) => m.name === 'cilium_lb4_services_v2')!.entries).to.equal(45)
    expect(r.maps.find((m) => m.name === 'cilium_ipcache_v2')!.entries).to.equal(22)
  })

  it('#23551 grep: a single header-less row with 2782 cache errors', function () {
    const r = parse(readReference('map-list_unknown_issue23551-backends-errors-grep.txt'))
    expect(r.maps).to.have.length(1)
    expect(r.maps[0]).to.include({name: 'cilium_lb4_backends_v2', entries: 14052, errors: 2782, cacheEnabled: true})
  })
})

describe('parseMapList: synthetic forms', function () {
  it('`unknown` counts become undefined', function () {
    const r = parse('Name                    Num entries   Num errors   Cache enabled\ncilium_lb4_services_v2   unknown       unknown      false\ncilium_lxc              4             0            true\n')
    expect(r.maps[0].entries).to.equal(undefined)
    expect(r.maps[0].errors).to.equal(undefined)
    expect(r.maps[1]).to.include({entries: 4, errors: 0})
  })

  it('--verbose entries in error state are collected with their error text', function () {
    const text = [
      '## Map: cilium_lb4_backends_v2',
      'Key   Value                       State   Error',
      '1     ANY://10.88.0.7:53          sync    ',
      '2     ANY://10.88.0.9:8080        error   Unable to update element for map with file descriptor 17: argument list too long',
      '3     ANY://10.88.0.10:8080       pending ',
      '',
      '## Map: cilium_lxc',
      'Cache is disabled',
    ].join('\n')
    const r = parse(text, 'v.txt')
    expect(r.maps[0]).to.include({name: 'cilium_lb4_backends_v2', entries: 3, errors: 1})
    expect(r.errorEntries).to.have.length(1)
    expect(r.errorEntries[0]).to.include({map: 'cilium_lb4_backends_v2', key: '2'})
    expect(r.errorEntries[0].error).to.match(/argument list too long$/)
    expect(r.errorEntries[0].src.line).to.equal(4)
  })

  it('-o json: map names from paths, last-error entries', function () {
    const json = JSON.stringify({maps: [
      {path: '/sys/fs/bpf/tc/globals/cilium_lb4_services_v2', cache: [{key: '10.96.0.1:443', value: '0 1', 'desired-action': 'sync'}, {key: '10.96.0.2:80', value: '0 2', 'desired-action': 'sync', 'last-error': 'map is full'}]},
      {path: '/sys/fs/bpf/tc/globals/cilium_lxc'},
    ]}, null, 2)
    const r = parse(json)
    expect(r.maps.map((m) => [m.name, m.entries, m.errors])).to.deep.equal([['cilium_lb4_services_v2', 2, 1], ['cilium_lxc', undefined, undefined]])
    expect(r.errorEntries[0]).to.include({map: 'cilium_lb4_services_v2', key: '10.96.0.2:80', error: 'map is full'})
    expect(json.split('\n')[r.errorEntries[0].src.line - 1]).to.include('"last-error"')
  })

  it('detector accepts the header and sections, rejects a service list', function () {
    expect(looksLikeMapList('Name   Num entries   Num errors   Cache enabled\n')).to.equal(true)
    expect(looksLikeMapList('## Map: cilium_lxc\nCache is disabled\n')).to.equal(true)
    expect(looksLikeMapList('ID   Frontend   Service Type   Backend\n')).to.equal(false)
  })
})
