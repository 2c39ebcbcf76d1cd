/**
 * An ExternalName Service outside the cluster zone is a CNAME the kubernetes plugin asks the rest of the server
 * about (coredns/coredns plugin/kubernetes, `ServeDNS` → the upstream lookup of the target). kubetwin sends no
 * query: the answer says what it assumed for the target (the forward plugin's note), never that the target has no
 * record upstream, which it cannot know.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns } from './index.ts';
import { fixtureProfile } from './_fixture.ts';

const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: db}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: db}
spec: {type: ExternalName, externalName: db.example.org}
`;

test('ExternalName to a target kubetwin does not know: the CNAME, with the upstream assumption named, not a claim', () => {
  const dns = createDns(buildYaml(yaml, { profile: fixtureProfile }).model);
  const r = dns.answer({ name: 'ext.db.svc.cluster.local.', type: 'A' });
  assert.equal(r.rcode, 'NOERROR');
  assert.deepEqual(
    r.answer.map((x) => x.rdata),
    [{ type: 'CNAME', target: 'db.example.org.' }],
  );
  assert.ok(
    r.notes.some((n) => n.startsWith('db.example.org') && n.includes('kubetwin sends no query')),
    r.notes.join('; '),
  );
  assert.ok(!r.notes.some((n) => /has no \w+ record upstream/.test(n)), r.notes.join('; '));
});
