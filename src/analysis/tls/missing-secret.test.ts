import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoutingModel } from '../../model/routing.ts';
import { judgeCertificate } from './index.ts';

/** A routing model with no Secrets, Certificates or Issuers: every certificate reference is missing. */
const nothing = { tlsSecrets: [], certificates: [], issuers: [] } as unknown as RoutingModel;
const judge = (from: string) =>
  judgeCertificate(nothing, { namespace: 'infra', name: 'cert', from }, 'foo.example.com', new Map(), '');

test('a missing certificate Secret of a Gateway or ListenerSet listener means the listener is not programmed (InvalidCertificateRef), not a default certificate', () => {
  for (const from of ['Gateway/infra/gw listener https', 'ListenerSet/team/set listener https']) {
    const c = judge(from);
    assert.equal(c.status, 'secret-missing');
    assert.match(c.message, /listener is not programmed \(ResolvedRefs=False, InvalidCertificateRef\)/, from);
    assert.doesNotMatch(c.message, /default certificate/, from);
  }
});

test('a missing certificate Secret of an Ingress means the controller serves its default certificate', () => {
  assert.match(
    judge('Ingress/shop/web spec.tls[0]').message,
    /the controller serves its default certificate/,
  );
});
