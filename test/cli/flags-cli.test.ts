import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli} from '../helpers/cli.js'
import {PROJECT_DIR} from '../helpers/reference.js'
import {runSim, MINI} from '../live/helpers.js'

const LB4 = 'fixtures/synthetic-lb4-pressure'

describe('ciltune flags, help and errors (the built CLI)', function () {
  this.timeout(60_000)
  let tmp: string
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'ciltune-flags-'))))
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('-o FORMAT prints on stdout; -o FILE.ext writes that file in the format its extension names', async () => {
    const json = await cli(['doctor', '--from', LB4, '-o', 'json'])
    expect(JSON.parse(json.stdout).schemaVersion).to.equal(1)
    const file = join(tmp, 'report.sarif')
    const r = await cli(['doctor', '--from', LB4, '-o', file])
    expect(r.stdout).to.equal('')
    expect(JSON.parse(readFileSync(file, 'utf8')).version).to.equal('2.1.0')
    expect(r.code).to.equal(1)
  })

  it('suggest: -o json prints JSON and creates no file named json; -o values.yaml writes the file', async () => {
    const cwd = mkdtempSync(join(tmp, 'cwd-'))
    const j = await cli(['suggest', '--from', join(PROJECT_DIR, LB4), '-o', 'json'], {}, cwd)
    expect(j.code, j.stderr).to.equal(0)
    expect(JSON.parse(j.stdout)).to.have.nested.property('bpf.lbMapMax')
    expect(existsSync(join(cwd, 'json'))).to.equal(false)
    const y = await cli(['suggest', '--from', join(PROJECT_DIR, LB4), '--output', 'values.yaml'], {}, cwd)
    expect(y.code, y.stderr).to.equal(0)
    expect(readFileSync(join(cwd, 'values.yaml'), 'utf8')).to.match(/lbMapMax/)
    const bad = await cli(['suggest', '--from', join(PROJECT_DIR, LB4), '-o', 'sarif'], {}, cwd)
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.match(/^ciltune: -o sarif: not a format name; expected one of yaml, json, or a file name/)
  })

  it('a format name never becomes a file name: unknown formats and extensions are one-line errors', async () => {
    const r = await cli(['doctor', '--from', LB4, '-o', 'xmlx'])
    expect(r.code).to.equal(2)
    expect(r.stderr.trim().split('\n')).to.have.length(1)
    expect(r.stderr).to.match(/-o xmlx: not a format name; expected one of table, json, yaml, markdown, sarif, junit/)
  })

  it('collect takes its destination as a positional DIR; a missing one is a whole sentence', async () => {
    const r = await cli(['collect'])
    expect(r.code).to.equal(2)
    expect(r.stderr).to.match(/^ciltune: Missing 1 required arg: dir: directory to write \(created; must be absent or empty\);.*\(see `ciltune collect --help`\)\n$/)
    expect(r.stderr.split('\n')).to.have.length(2)
  })

  it('whole parse errors: missing argument, unknown flag with a suggestion, bad option', async () => {
    const a = await cli(['explain'])
    expect(a.stderr).to.equal('ciltune: Missing 1 required arg: id: rule id (see `ciltune rules`) (see `ciltune explain --help`)\n')
    const b = await cli(['doctor', '--form', LB4])
    expect(b.stderr).to.equal('ciltune: Nonexistent flag: --form; did you mean --from? (see `ciltune doctor --help`)\n')
    const c = await cli(['doctor', '--fail-on', 'x'])
    expect(c.stderr).to.match(/^ciltune: Expected --fail-on=x to be one of: critical, high, medium, info, none \(see/)
    for (const r of [a, b, c]) expect(r.code).to.equal(2)
  })

  it('-h, help, --version, version; did-you-mean for an unknown command', async () => {
    const h = await cli(['doctor', '-h'], {NO_COLOR: '1'})
    expect(h.stdout).to.match(/USAGE\n\s+\$ ciltune doctor /)
    expect(h.stdout).to.match(/-n, --namespace=<value>/)
    expect((await cli(['help', 'suggest'])).stdout).to.match(/\$ ciltune suggest/)
    const v = await cli(['--version'])
    expect(v.stdout).to.match(/^ciltune\/\d+\.\d+\.\d+ /)
    expect((await cli(['version'])).stdout).to.equal(v.stdout)
    const nf = await cli(['doctr'])
    expect(nf.code).to.equal(127)
    expect(nf.stderr).to.match(/did you mean "doctor"\?/)
  })

  it('shell completion: bash and zsh from plugin-autocomplete, fish from ours, all naming commands and flags', async () => {
    const env = {XDG_CACHE_HOME: join(tmp, 'cache'), HOME: tmp}
    for (const shell of ['bash', 'zsh']) {
      const r = await cli(['completion', shell], env)
      expect(r.code, `${shell}: ${r.stderr}`).to.equal(0)
      expect(r.stdout, shell).to.match(/ciltune autocomplete/)
      const script = await cli(['autocomplete', 'script', shell], env)
      expect(script.stdout, shell).to.match(/autocomplete\/.*_setup/)
    }
    const setup = readFileSync(join(tmp, 'cache', 'ciltune', 'autocomplete', 'functions', 'bash', 'ciltune.bash'), 'utf8')
    expect(setup).to.match(/doctor/).and.to.match(/--namespace/)
    const fish = await cli(['completion', 'fish'])
    expect(fish.stdout).to.match(/^complete -c ciltune -n '__fish_seen_subcommand_from doctor' -l namespace -s n -r -F /m)
    expect(fish.stdout).to.match(/-l fail-on -x -a 'critical high medium info none'/)
  })

  it('help examples name no repository paths (they must work after npm install -g)', () => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_DIR, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {examples?: Array<string | {command: string}>}>}
    const examples = Object.values(manifest.commands).flatMap((c) => c.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command))
    expect(examples.length).to.be.greaterThan(10)
    for (const e of examples) expect(e).to.not.match(/fixtures\/|test\//)
  })

  it('--color/--no-color is accepted by every command', async () => {
    for (const args of [['rules'], ['explain', 'bpf-map-pressure'], ['sizing', '--memory', '16Gi'], ['version'], ['suggest', '--from', LB4]]) {
      for (const c of ['--color', '--no-color']) {
        const r = await cli([...args, c])
        expect(r.stderr, `${args[0]} ${c}`).to.not.match(/Nonexistent flag/)
        expect(r.code, `${args[0]} ${c}: ${r.stderr}`).to.equal(0)
      }
    }
  })

  it('no kubeconfig at all: says so and how to point at one (not ECONNREFUSED localhost:8080)', async () => {
    const home = mkdtempSync(join(tmp, 'home-'))
    const r = await cli(['doctor'], {HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: ''})
    expect(r.code).to.equal(2)
    expect(r.stderr).to.match(/^ciltune: no kubeconfig: \$KUBECONFIG is unset, ~\/\.kube\/config does not exist/)
    expect(r.stderr).to.match(/--kubeconfig FILE or KUBECONFIG=FILE/)
    expect(r.stderr).to.not.match(/ECONNREFUSED|8080/)
  })

  it('KUBECONFIG listing several files, some missing, works as in kubectl; -n and --cilium-namespace both select the namespace', async () => {
    const run = await runSim({scenarioDir: MINI})
    try {
      const list = [join(tmp, 'missing-1.yaml'), run.kubeconfig, join(tmp, 'missing-2.yaml')].join(':')
      const ok = await cli(['doctor', '-o', 'json', '--fail-on', 'none', '-n', 'kube-system'], {KUBECONFIG: list})
      expect(ok.code, ok.stderr).to.equal(0)
      expect(JSON.parse(ok.stdout).agents.length).to.be.greaterThan(0)
      const alias = await cli(['doctor', '-o', 'json', '--fail-on', 'none', '--cilium-namespace', 'no-such-ns'], {KUBECONFIG: list})
      expect(alias.stderr).to.match(/no Cilium agent pods \(k8s-app=cilium\) in namespace no-such-ns/)
      const short = await cli(['doctor', '-n', 'no-such-ns'], {KUBECONFIG: list})
      expect(short.stderr).to.equal(alias.stderr)
      const none = await cli(['doctor'], {KUBECONFIG: [join(tmp, 'a'), join(tmp, 'b')].join(':')})
      expect(none.stderr).to.match(/none of its files exist/)
    } finally {
      await run.stop()
    }
  })

  it('a file the user names is never overwritten by suggest without --force', () => {
    const f = join(tmp, 'keep.yaml')
    writeFileSync(f, 'x: 1\n')
    return cli(['suggest', '--from', LB4, '-o', f]).then((r) => {
      expect(r.code).to.equal(2)
      expect(readFileSync(f, 'utf8')).to.equal('x: 1\n')
    })
  })
})
