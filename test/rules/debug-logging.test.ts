import rule from '../../rules/debug-logging.js'
import type {AgentLog} from '../../src/snapshot/schema.js'
import {agent, config, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const log = (lines: number, debugLines: number): AgentLog => ({file: 'cilium-a.log', previous: false, format: 'logfmt', lines, levels: {debug: debugLines, info: lines - debugLines}, debugLines, entries: [], truncated: false})

ruleTester(rule, {
  valid: [
    {name: 'debug false', snapshot: snapshot({cluster: {config: config({debug: 'false'})}})},
    {name: 'a few debug lines', snapshot: snapshot({agents: [agent('cilium-a', {logs: [log(1000, 20)]})]})},
    {name: 'debug-verbose kvstore only with debug off', snapshot: snapshot({cluster: {config: config({debug: 'false', 'debug-verbose': 'kvstore'})}})},
  ],
  invalid: [
    {
      name: 'debug true with datapath verbose', messageIds: ['debug-enabled'],
      snapshot: snapshot({cluster: {config: config({debug: 'true', 'debug-verbose': 'datapath flow'})}}),
      expect: [{count: 1, severity: 'medium', agents: [], message: /debug: true\), debug-verbose: datapath flow/, evidence: {text: 'debug: true', line: 2}, helm: {path: 'debug.enabled', value: false}}, {helm: {path: 'debug.verbose', value: null}}],
    },
    {
      name: 'logs mostly debug (runtime toggle)', messageIds: ['mostly-debug'],
      snapshot: snapshot({agents: [agent('cilium-a', {logs: [log(1000, 800)]})], cluster: {config: config({debug: 'false'})}}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a'], message: /800\/1000 = 80 %/, fix: /debug=false/},
    },
  ],
  notEvaluated: [{name: 'no config, helm or logs', snapshot: snapshot({agents: [agent('cilium-a', {logs: [log(0, 0)]})]})}],
})
