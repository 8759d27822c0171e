import {expect} from 'chai'
import {logCoverage} from '../../src/logs/coverage.js'
import {parseAgentLog} from '../../src/parse/agent-log.js'
import {agent, snapshot} from '../helpers/snapshot.js'

/* Coverage says how many log lines were understood: an error no rule claims is read but not understood. */

describe('log coverage', function () {
  it('counts lines read, lines in a known format, and error lines claimed by a rule', function () {
    const log = parseAgentLog([
      'level=info msg="Cilium 1.14.5 go version go1.21.5 linux/amd64" subsys=daemon',
      'level=error msg="Regeneration of endpoint failed" error="something odd" subsys=endpoint',
      'level=fatal msg="Error while creating daemon" error="Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted" subsys=daemon',
      'level=error msg="a message no catalog entry knows" subsys=daemon',
      'goroutine 1 [running]:',
      '',
    ].join('\n'), 'a.log')
    const cov = logCoverage(snapshot({agents: [agent('cilium-a', {logs: [log]})]}))
    expect(cov).to.deep.equal({lines: 5, parsed: 4, errorLines: 3, errorLinesRecognized: 2, understood: 3, truncated: false})
  })

  it('is absent when no log was read', function () {
    expect(logCoverage(snapshot({agents: [agent('cilium-a')]}))).to.equal(undefined)
  })
})
