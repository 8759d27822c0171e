import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {runDoctor} from '../../src/actions/doctor.js'
import type {DoctorOptions} from '../../src/actions/doctor-options.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {runSim, scenarios, type Running} from './helpers.js'

interface Finding {id: string, severity: string, agents?: string[]}

async function doctorJson(opts: Partial<DoctorOptions>): Promise<{code: number, findings: Finding[]}> {
  let out = ''
  const code = await runDoctor({output: 'json', failOn: 'high', color: false, ...opts}, {stdout: (t) => { out += t }, stderr: () => undefined, isTTY: false})
  return {code, findings: (JSON.parse(out) as {findings: Finding[]}).findings}
}

const key = (f: Finding) => `${f.id} | ${f.severity} | ${[...(f.agents ?? [])].sort().join(',')}`

/** Agents of a scenario captured without a status (crash-looping): live knows why they are silent, files cannot say. */
function silentAgents(dir: string, agents: string[]): string[] {
  return agents.filter((a) => !existsSync(join(dir, a, 'status.txt')))
}

describe('live doctor against the simulated cluster equals doctor --from on the same scenario', function () {
  this.timeout(120_000)
  let run: Running | undefined
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
  })

  for (const scenario of scenarios()) {
    it(scenario, async () => {
      const dir = join(FIXTURES_DIR, scenario)
      run = await runSim({scenarioDir: dir})
      const live = await doctorJson({live: run.live()})
      const from = await doctorJson({from: dir})
      const silent = silentAgents(dir, run.sim.agents.map((a) => a.pod))
      // the one allowed difference: live names a not-running agent as unreadable (agent-unreachable), files cannot
      const liveKeys = live.findings.filter((f) => !(f.id === 'agent-unreachable' && silent.length > 0 &&
        (f.agents ?? []).every((a) => silent.includes(a)))).map(key)
      const fromKeys = from.findings.filter((f) => !(f.id === 'agent-unreachable' && silent.length > 0 &&
        (f.agents ?? []).every((a) => silent.includes(a)))).map(key)
      expect(liveKeys.sort()).to.deep.equal(fromKeys.sort())
      if (silent.length > 0) {
        const named = live.findings.find((f) => f.id === 'agent-unreachable')
        expect(named?.agents?.slice().sort()).to.deep.equal(silent.sort())
      } else {
        expect(live.code).to.equal(from.code)
      }
    })
  }
})
