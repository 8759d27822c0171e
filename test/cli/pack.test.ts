import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {PROJECT_DIR} from '../helpers/reference.js'

// npm pack + a global install downloads the dependencies (about a minute): run with CILTUNE_PACK_TEST=1.
describe('npm pack, global install, used from outside the repository', function () {
  this.timeout(600_000)
  it('help, version, completion, demo and `kubectl ciltune` work from the installed package', function () {
    if (process.env.CILTUNE_PACK_TEST !== '1') {
      console.log('      (skipped: set CILTUNE_PACK_TEST=1 to pack and install; scripts/pack-check.sh)')
      this.skip()
    }
    const r = spawnSync(join(PROJECT_DIR, 'scripts', 'pack-check.sh'), {encoding: 'utf8'})
    expect(r.status, r.stdout + r.stderr).to.equal(0)
    expect(r.stdout).to.match(/^ciltune\/\d+\.\d+\.\d+ /m)
    expect(r.stderr).to.match(/\$ kubectl ciltune version/)
    expect(r.stdout).to.match(/kubectl-ciltune/)
    expect(r.stdout).to.match(/pack-check: OK/)
  })
})
