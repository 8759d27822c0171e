import {expect} from 'chai'
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectAction} from '../../src/actions/collect.js'
import {runDoctor} from '../../src/actions/doctor.js'
import type {Io} from '../../src/actions/doctor-options.js'
import {runSuggest} from '../../src/actions/suggest.js'
import {FORMAT_NAMES} from '../../src/report/formats.js'
import {redactValues} from '../../src/util/redact.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {runSim, type Running} from './helpers.js'

/*
 * Issue 17 item 3: a simulated cluster whose Helm release carries key material (invented, in the
 * shapes a clustermesh CA key, an extraEnv credential, an extraArgs token and a kubeconfig take).
 * Every file collect, --save-snapshot and each report format write, and suggest's output, is
 * grepped for every secret: none may survive.
 */

const PEM_BODY = 'MIIEowIBAAKCAQEAx7Qf3kZpL9mN2vR8sT1uW4yA6bC0dE5fG7hI9jK1lM3nO5pQ'
const SECRETS = {
  caKey: `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\nr7sT9uV1wX3yZ5aB7cD9eF1gH3iJ5kL7mN9oP1qR3sT5uV7wX9yZ1aB3cD5eF7g\n-----END RSA PRIVATE KEY-----\n`,
  aws: 'wJalrXUtnFEMIxK7MDENGxbPxRfiCYzEXAMPLEKEYq',
  apiToken: 'tok_5f2b9c1e7a3d4b6f8e0a',
  bearer: 'c2VjcmV0LWJlYXJlci10b2tlbi1mb3ItdGVzdHM',
  etcdPassword: 'hunter2-but-longer',
}
const PEM_LINE = PEM_BODY

function secretValues(): string {
  return [
    'clustermesh:',
    '  useAPIServer: true',
    '  apiserver:',
    '    tls:',
    '      ca:',
    `        cert: ${Buffer.from('invented CA certificate for ciltune tests only').toString('base64')}`,
    '        key: |',
    ...SECRETS.caKey.trimEnd().split('\n').map((l) => `          ${l}`),
    'extraEnv:',
    '- name: AWS_SECRET_ACCESS_KEY',
    `  value: ${SECRETS.aws}`,
    'extraArgs:',
    `- --api-token=${SECRETS.apiToken}`,
    'etcd:',
    '  password: ' + SECRETS.etcdPassword,
    'annotations:',
    `  note: "Authorization: Bearer ${SECRETS.bearer}"`,
  ].join('\n') + '\n'
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true}).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name))
}

function expectClean(text: string, where: string): void {
  for (const [name, s] of Object.entries(SECRETS)) {
    const needle = name === 'caKey' ? PEM_LINE : s
    expect(text.includes(needle), `${where} holds ${name}`).to.equal(false)
  }
}

function capture(): Io & {out: string, err: string} {
  const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }}
  return io
}

describe('redaction everywhere ciltune writes or prints', function () {
  this.timeout(180_000)
  let run: Running | undefined
  let tmp: string
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-redact-'))
    const scenario = join(tmp, 'scenario')
    cpSync(join(FIXTURES_DIR, 'synthetic-lb4-pressure'), scenario, {recursive: true})
    const values = join(scenario, 'helm-values.yaml')
    writeFileSync(values, readFileSync(values, 'utf8') + secretValues())
    run = await runSim({scenarioDir: scenario})
  })
  after(async () => {
    await run?.stop()
    rmSync(tmp, {recursive: true, force: true})
  })

  it('the simulated release really carries the secrets (the test would catch a leak)', async () => {
    const out = join(tmp, 'raw')
    const io = capture()
    await collectAction({live: run!.live(), output: out, redact: false}, io)
    expect(io.err).to.match(/warning: --no-redact/)
    const all = filesUnder(out).map((f) => readFileSync(f, 'utf8')).join('\n')
    for (const s of [PEM_LINE, SECRETS.aws, SECRETS.apiToken, SECRETS.etcdPassword]) expect(all).to.include(s)
  })

  it('collect: no file holds a secret, and every file is mode 0600', async () => {
    const out = join(tmp, 'capture')
    await collectAction({live: run!.live(), output: out}, capture())
    const files = filesUnder(out)
    expect(files.some((f) => f.endsWith('helm-values.yaml'))).to.equal(true)
    for (const f of files) {
      expectClean(readFileSync(f, 'utf8'), f)
      expect(statSync(f).mode & 0o777, f).to.equal(0o600)
    }
    expect(readFileSync(join(out, 'helm-values.yaml'), 'utf8')).to.include('<redacted>')
  })

  it('--save-snapshot and every report format: no secret', async () => {
    const snap = join(tmp, 'snap.json')
    // every format in the one format table, so a format added later is covered without editing this test
    for (const output of FORMAT_NAMES) {
      const io = capture()
      await runDoctor({output, failOn: 'none', color: false, live: run!.live(), saveSnapshot: snap}, io)
      expectClean(io.out + io.err, `doctor -o ${output}`)
      expectClean(readFileSync(snap, 'utf8'), '--save-snapshot')
      expect(statSync(snap).mode & 0o777).to.equal(0o600)
      rmSync(snap)
    }
  })

  it('suggest: overlay, --diff and --set hold no secret', async () => {
    for (const extra of [{}, {diff: true}, {set: true}]) {
      const io = capture()
      await runSuggest({force: false, diff: false, set: false, validate: false, targetPressure: 0.5, live: run!.live(), ...extra}, io)
      expectClean(io.out + io.err, `suggest ${JSON.stringify(extra)}`)
    }
  })

  it('redactValues: extraEnv credentials by name, extraArgs tokens by shape, digests kept', () => {
    const v = redactValues({
      extraEnv: [{name: 'AWS_SECRET_ACCESS_KEY', value: SECRETS.aws}, {name: 'GOMAXPROCS', value: '4'}],
      extraArgs: [`--api-token=${SECRETS.apiToken}`, '--enable-hubble=true'],
      image: {digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'},
    }) as {extraEnv: Array<{value: string}>, extraArgs: string[], image: {digest: string}}
    expect(v.extraEnv.map((e) => e.value)).to.deep.equal(['<redacted>', '4'])
    expect(v.extraArgs).to.deep.equal(['--api-token=<redacted>', '--enable-hubble=true'])
    expect(v.image.digest).to.match(/^sha256:0123/)
  })
})
