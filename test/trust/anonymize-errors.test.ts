import {expect} from 'chai'
import {cli} from '../helpers/cli.js'

/*
 * --anonymize covers the one-line errors too: an address or a host named in the line that stops a
 * run is replaced like in a report. These inputs fail before any request is sent.
 */

describe('--anonymize: the exit-2 error line', function () {
  this.timeout(30_000)

  it('an address and a host name in the failing URL are pseudonyms; without the flag they are printed', async () => {
    for (const [url, original] of [['10.20.30.40:9090', '10.20.30.40'], ['ftp://prom.acme-prod.example:9090', 'prom.acme-prod.example']]) {
      const plain = await cli(['doctor', '--prometheus-url', url])
      expect(plain.stderr).to.include(original)
      const r = await cli(['doctor', '--prometheus-url', url, '--anonymize'])
      expect(r.code).to.equal(2)
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.match(/is not an http:\/\/ or https:\/\/ URL/)
      expect(r.stderr).to.not.include(original)
    }
  })
})
