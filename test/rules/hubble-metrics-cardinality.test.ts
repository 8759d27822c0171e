import {expect} from 'chai'
import rule, {cardinalityRisks} from '../../rules/hubble-metrics-cardinality.js'
import {config, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

describe('cardinalityRisks', () => {
  it('rewrites per-pod contexts to workload ones', () => {
    const [r] = cardinalityRisks(['flow:sourceContext=pod|workload-name;destinationContext=ip'])
    expect(r.problems).to.deep.equal(['sourceContext=pod', 'destinationContext=ip'])
    expect(r.rewritten).to.equal('flow:sourceContext=workload-name;destinationContext=workload-name|reserved-identity')
  })
  it('keeps safe handlers', () => {
    expect(cardinalityRisks(['dns', 'drop:sourceContext=workload-name', 'httpV2:labelsContext=source_namespace,source_workload'])).to.deep.equal([])
  })
})

ruleTester(rule, {
  valid: [
    {name: 'Hubble metrics off (no key)', snapshot: snapshot({cluster: {config: config({'enable-hubble': 'true'})}})},
    {name: 'workload contexts', snapshot: snapshot({cluster: {config: config({'hubble-metrics': 'dns drop tcp flow httpV2:exemplars=true;labelsContext=source_namespace,source_workload,destination_namespace,destination_workload,traffic_direction'})}})},
  ],
  invalid: [
    {
      name: 'labelsContext with source_ip and sourceContext=pod', messageIds: ['high-cardinality'],
      snapshot: snapshot({cluster: {config: config({'hubble-metrics': 'dns:query;ignoreAAAA drop:sourceContext=pod;destinationContext=pod httpV2:labelsContext=source_ip,source_namespace,destination_ip'})}}),
      expect: {count: 1, severity: 'medium', agents: [], message: /drop \(sourceContext=pod; destinationContext=pod\), httpV2 \(labelsContext source_ip,destination_ip\)/,
        evidence: {line: 2, text: /^hubble-metrics: /}, fix: /labelsContext=source_namespace,source_workload,destination_workload/},
    },
    {
      name: 'Helm list form', messageIds: ['high-cardinality'],
      snapshot: snapshot({cluster: {helm: {source: 'helm get values', values: {hubble: {metrics: {enabled: ['flow:sourceContext=ip']}}}}}}),
      expect: {count: 1, message: /flow \(sourceContext=ip\)/},
    },
  ],
  notEvaluated: [{name: 'no config or helm', snapshot: snapshot({})}],
})
