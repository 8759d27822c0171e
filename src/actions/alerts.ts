import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {toolVersion} from '../util/version.js'
import {gatherSnapshot} from './doctor.js'
import type {DoctorOptions, Io} from './doctor-options.js'

export type AlertsOutput = 'prometheusrule' | 'rules'

export interface AlertsOptions extends Pick<DoctorOptions, 'from' | 'live' | 'prometheus'> {
  output: AlertsOutput
  unitTests?: string // a directory: the plain rule file and its promtool unit tests are written there
}

export const UNIT_TEST_RULES = 'ciltune-rules.yaml'
export const UNIT_TEST_FILE = 'ciltune-rules.test.yaml'

/** alerts: evidence → facts → alert definitions → a PrometheusRule (or a rule file) on stdout. */
export async function runAlerts(opts: AlertsOptions, io: Io): Promise<number> {
  const snapshot = await gatherSnapshot(opts)
  const [{alertFacts}, {alertGroups}, {renderAlerts}] = await Promise.all([import('../alerts/facts.js'), import('../alerts/build.js'), import('../alerts/render.js')])
  const facts = alertFacts(snapshot)
  const groups = alertGroups(facts)
  const version = toolVersion()
  await io.stdout(renderAlerts(groups, facts, opts.output, version))
  const n = groups.reduce((x, g) => x + g.alerts.length, 0)
  const enc = facts.encryption.value === 'ipsec' || facts.encryption.value === 'wireguard'
    ? `${facts.encryption.value} alerts included`
    : `encryption ${facts.encryption.value} (${facts.encryption.from}): no encryption alerts`
  io.stderr(`ciltune: ${n} alerts in ${groups.length} groups from ${facts.source}; ${enc}\n`)
  if (opts.unitTests) {
    const {renderUnitTests} = await import('../alerts/unit-tests.js')
    mkdirSync(opts.unitTests, {recursive: true})
    writeFileSync(join(opts.unitTests, UNIT_TEST_RULES), renderAlerts(groups, facts, 'rules', version))
    writeFileSync(join(opts.unitTests, UNIT_TEST_FILE), renderUnitTests(groups, UNIT_TEST_RULES))
    io.stderr(`ciltune: wrote ${join(opts.unitTests, UNIT_TEST_RULES)} and ${UNIT_TEST_FILE} (run: promtool test rules ${join(opts.unitTests, UNIT_TEST_FILE)})\n`)
  }
  return 0
}
