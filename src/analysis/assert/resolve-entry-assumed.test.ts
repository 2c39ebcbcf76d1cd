/**
 * A pod with dnsPolicy None and its own nameserver (the docs' dns-example,
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config) asks a server kubetwin
 * never queries: an NXDOMAIN from it is an assumption, so a `resolve` entry that rests on one is unknown, never a pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { parseManifests } from '../../parse/index.ts';
import { handlers } from './index.ts';
import { runAssertions } from './_runner.ts';

const pod = (dns: string) => `apiVersion: v1
kind: Pod
metadata: {name: dns-example}
spec:
  containers: [{name: test, image: nginx}]
${dns}`;
const custom = `  dnsPolicy: "None"
  dnsConfig:
    nameservers: [192.0.2.1]
    searches: [ns1.svc.cluster-domain.example, my.dns.search.suffix]
    options: [{name: ndots, value: "2"}, {name: edns0}]
`;
const entry = (expect: string) => `tests:
  - name: kubernetes from dns-example
    resolve: {from: default/dns-example, name: kubernetes.default.svc.cluster.local}
    expect: ${expect}
`;

function run(manifests: string, testFile: string) {
  const { model } = buildFromTexts([{ file: 'm.yaml', text: manifests }]);
  const docs = parseManifests([{ file: 't.yaml', text: testFile }]).objects;
  const report = runAssertions(model, docs, { handlers, planned: {} });
  assert.ok(!Array.isArray(report));
  return report;
}

test('resolve entry: an NXDOMAIN assumed for a nameserver that is not cluster DNS is unknown, whatever was expected', () => {
  for (const expect of ['{rcode: NXDOMAIN}', '{rcode: NOERROR}']) {
    const report = run(pod(custom), entry(expect));
    assert.deepEqual([report.passed, report.failed, report.unknown], [0, 1, 1], expect);
    assert.match(JSON.stringify(report), /the pod asks 192\.0\.2\.1, not cluster DNS/);
  }
});

test('resolve entry: the same name from a ClusterFirst pod is answered by cluster DNS and passes', () => {
  const report = run(pod(''), entry('{rcode: NOERROR}'));
  assert.deepEqual([report.passed, report.failed], [1, 0]);
});
