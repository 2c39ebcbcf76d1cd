/**
 * The Gateway API sends an invalid backendRef's weighted share to an error (HTTP 500, a rejected TCP/TLS/UDP
 * connection), not to the other backends: the shares printed count it. https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightShare } from './_weight-share.ts';

test('rule invalid-backend-share-is-an-error: an invalid backend keeps its share of the weights', () => {
  const backends = [{ weight: 90 }, { weight: 10 }, { weight: 10 }]; // the third one is invalid
  assert.deepEqual(
    backends.map((_, i) => weightShare(backends, i)),
    [' 81.8%', ' 9.1%', ' 9.1%'],
  );
});

test('rule invalid-backend-share-is-an-error: a weight of 0 gets no share and takes none', () => {
  const backends = [{ weight: 1 }, { weight: 0 }];
  assert.deepEqual(
    backends.map((_, i) => weightShare(backends, i)),
    [' 100%', ''],
  );
});
