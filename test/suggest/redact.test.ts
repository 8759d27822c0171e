import {expect} from 'chai'
import {isSecretPath, redactText, redactValues, REDACTED} from '../../src/suggest/redact.js'

describe('suggest: secrets stay secret', () => {
  it('secret paths under clustermesh, Hubble TLS, IPsec; ordinary values untouched', () => {
    for (const p of ['hubble.tls.server.cert', 'hubble.tls.server.key', 'clustermesh.apiserver.tls.ca.key', 'hubble.relay.tls.client.cert',
      'clustermesh.config.clusters.0.tls.caCert', 'encryption.ipsec.secretKey', 'etcd.clientKey', 'authentication.mutual.spire.token']) {
      expect(isSecretPath(p), p).to.equal(true)
    }
    for (const p of ['bpf.lbMapMax', 'hubble.tls.enabled', 'encryption.ipsec.secretName', 'k8sServiceHost', 'bpf.mapDynamicSizeRatio', 'hubble.tls.auto.method']) {
      expect(isSecretPath(p), p).to.equal(false)
    }
  })

  it('redacts by path and by content (PEM, long base64), keeps structure', () => {
    const v = redactValues({
      hubble: {tls: {enabled: true, server: {cert: 'abc', key: ''}}},
      clustermesh: {config: {clusters: [{name: 'c2', tls: {key: 'xyz'}}]}},
      extraConfig: {blob: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'},
      bpf: {lbMapMax: 65536},
    }) as any
    expect(v.hubble.tls).to.deep.equal({enabled: true, server: {cert: REDACTED, key: ''}})
    expect(v.clustermesh.config.clusters[0]).to.deep.equal({name: 'c2', tls: {key: REDACTED}})
    expect(v.extraConfig.blob).to.equal(REDACTED)
    expect(v.bpf.lbMapMax).to.equal(65536)
    expect(redactText('token LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFLSEhJRzZhQjAK here')).to.equal(`token ${REDACTED} here`)
  })
})
