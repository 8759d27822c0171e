import {expect} from 'chai'
import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {mdCode, mdText, stripControls} from '../../src/report/inert.js'
import {cli} from '../helpers/cli.js'

/*
 * Evidence text is inert: a log line, an agent directory name or a skipped file name cannot retitle the
 * terminal (OSC 0), plant a lying link (OSC 8), talk to the terminal (DCS), or come alive in a ticket.
 */

const OSC0 = '\x1b]0;pwned-title\x07'
const OSC8 = '\x1b]8;;https://attacker.invalid/\x1b\\click here\x1b]8;;\x1b\\'
const DCS = '\x1bP1$qm\x1b\\'
const C1 = '\x9b31m\x9d0;c1-title\x07'
const HOSTILE = `${OSC0}${OSC8}${DCS}${C1}`

function hostileCapture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-inert-'))
  const agent = join(dir, `cilium-ab12c${OSC0}`)
  mkdirSync(agent)
  writeFileSync(join(agent, 'cilium-agent.log'),
    `level=fatal msg="boom ${HOSTILE} \`x\` <img src=x onerror=alert(1)> [link](https://attacker.invalid/)" subsys=daemon\n`)
  // a file name cannot hold '/', so its OSC 8 link points nowhere, but the escape is the same
  writeFileSync(join(dir, `notes${OSC0}\x1b]8;;x\x1b\\click\x1b]8;;\x1b\\.txt`), 'nothing ciltune knows\n')
  return dir
}

describe('evidence is inert in every human format', function () {
  this.timeout(30_000)

  it('stripControls removes CSI, OSC, DCS, C1 and other controls, keeping text, tabs and newlines', () => {
    expect(stripControls(`a${HOSTILE}b\tc\nd\x00e\x1b[1mf`)).to.equal('aclick hereb\tc\nd' + 'ef')
  })

  it('a markdown code span cannot be closed by backticks inside it', () => {
    expect(mdCode('a ``b`` c')).to.equal('```a ``b`` c```')
    expect(mdCode('`x`')).to.equal('`` `x` ``')
  })

  it('markdown prose has no live HTML or links', () => {
    expect(mdText('<img src=x onerror=alert(1)> [l](u)')).to.equal('&lt;img src=x onerror=alert(1)&gt; \\[l\\](u)')
  })

  // cilium-cli status, as in the real garbled one of cilium/cilium#38516 (reference), with the sequences in its error
  for (const args of [['-o', 'table', '--wide'], ['-o', 'markdown']]) {
    it(`cilium-cli status errors (${args.join(' ')}): shown in full, with no control byte`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ciltune-inert-cli-'))
      writeFileSync(join(dir, 'cilium-status.txt'), `Errors:                cilium             cilium-ab12c    controller sync-lb-maps-with-k8s-services is failing since 7s (4x): ${HOSTILE}Unable to delete maglev lookup table 120: delete: key does not exist\n`)
      const r = await cli(['doctor', '--from', dir, ...args, '--no-color', '--fail-on', 'none'])
      expect(r.code).to.equal(0)
      expect(r.stdout).to.match(/click hereUnable to delete maglev lookup table/) // the error is shown, its escapes are not
      // eslint-disable-next-line no-control-regex
      expect(r.stdout).to.not.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
      expect(r.stdout).to.not.match(/pwned-title|c1-title/)
    })
  }

  for (const format of ['table', 'markdown']) {
    it(`${format}: no control byte from log lines, agent directory names or skipped files reaches the output`, async () => {
      const r = await cli(['doctor', '--from', hostileCapture(), '-o', format, '--no-color', '--fail-on', 'none'])
      expect(r.code).to.equal(0)
      expect(r.stdout).to.match(/boom/) // the line itself is shown
      // eslint-disable-next-line no-control-regex
      expect(r.stdout).to.not.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
      expect(r.stdout).to.not.match(/pwned-title|c1-title/)
      if (format === 'markdown') {
        // inside a code span HTML and links are text; outside one they must not appear at all
        const outsideCode = r.stdout.replace(/(`+)[^`][\s\S]*?\1/g, '')
        expect(outsideCode).to.not.match(/<img/)
        expect(outsideCode).to.not.match(/(^|[^\\])\]\(https:/m) // an escaped \] is literal text, not a link
        expect(r.stdout).to.match(/``level=fatal msg="boom click here `x` <img/)
      }
    })
  }
})
