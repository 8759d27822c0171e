import {expect} from 'chai'
import fc from 'fast-check'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {REDACTED, redactText} from '../../src/util/redact.js'
import {FIXTURES_DIR, hasReference, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * redactText runs each pattern only on text holding the words any match of it needs. The answer must be the
 * plain chain's, every pattern run on every text: this oracle is those patterns as redact.ts states them.
 */

const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g
const LONG_BASE64 = /(?<![\w+/])[A-Za-z0-9+/]{40,}={0,2}/g
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g
const NAMED = /(?<![\w.-])((?:--?)?["']?[\w.-]*(?:secret|token|password|passwd|credentials?|api[-_]?key|access[-_]?key|private[-_]?key|key-data|certificate-data)["']?\s*[:=]\s*["']?)(?![{[\\])([^\s"',}\]]+)/gi
const base64Secret = (run: string) => run.split('/').some((seg) => seg.length >= 32 && !/^[0-9a-f]+$/i.test(seg))

function oracle(s: string): string {
  return s
    .replace(PEM, REDACTED)
    .replace(JWT, REDACTED)
    .replace(BEARER, (_m, kind: string) => `${kind} ${REDACTED}`)
    .replace(NAMED, (_m, name: string) => `${name}${REDACTED}`)
    .replace(LONG_BASE64, (run) => (base64Secret(run) ? REDACTED : run))
}

const piece = fc.constantFrom(
  '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN ', 'MIIB', 'eyJhbGciOiJIUzI1NiJ9', '.', 'eyJ',
  'abcdefgh12', 'Bearer ', 'Basic ', 'bearer ', 'Bearer', ' ', '\n', '=', ': ', '"', '--', 'api-token', 'PASSWORD', 'passwd', 'Passw',
  'client-key-data', 'certificate-data', 'AccessKey', 'api_key', 'credential', 'secrets', 'policy-secrets-namespace',
  'Zm9vYmFyYmF6cXV4cXV1eGNvcmdl', 'Z3JhdWx0Z2FycGx5d2FsZG8K', 'deadbeefdeadbeefdeadbeefdeadbeef', '/', '==', 'level=info', 'msg=x',
)

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? files(join(dir, e)) : [join(dir, e)]))
}

describe('redactText runs a pattern only where it can match, with the plain chain\'s answer', function () {
  it('on texts made of the pieces the patterns look for', function () {
    fc.assert(fc.property(fc.array(piece, {maxLength: 16}), (parts) => {
      const s = parts.join('')
      expect(redactText(s), JSON.stringify(s)).to.equal(oracle(s))
    }), {numRuns: 5000})
  })

  it('on every line of the fixtures and reference files', function () {
    const paths = [FIXTURES_DIR, ...(hasReference() ? [REFERENCE_DIR] : [])].flatMap(files).filter((p) => !/\.(zip|tgz|gz)$/.test(p))
    let changed = 0
    for (const p of paths) {
      const text = readFileSync(p, 'utf8')
      const out = redactText(text)
      expect(out, p).to.equal(oracle(text))
      if (out !== text) changed++
    }
    // secrets are in there: the comparison covers texts that change, not only clean ones
    expect(changed).to.be.greaterThan(5)
  })
})
