import {expect} from 'chai'
import {isAllowed} from '../../src/collect/allowlist.js'
import type {RecordedRequest} from '../../src/sim/server.js'

/** Every request the simulator saw was a GET, and every exec ran an allowlisted read-only command. */
export function expectReadOnly(requests: RecordedRequest[]): void {
  expect(requests.length).to.be.greaterThan(0)
  for (const r of requests) {
    expect(r.method, `${r.method} ${r.path}`).to.equal('GET')
    if (r.path.endsWith('/exec')) {
      expect(r.upgrade, `exec without upgrade: ${r.path}`).to.equal(true)
      expect(isAllowed(r.command ?? []), `exec of ${JSON.stringify(r.command)}`).to.equal(true)
    }
    if (r.upgrade) expect(r.path, 'only exec upgrades').to.match(/\/pods\/[^/]+\/exec$/)
  }
}
