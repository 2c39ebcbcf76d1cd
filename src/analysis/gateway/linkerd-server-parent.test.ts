/**
 * A gateway.networking.k8s.io HTTPRoute parented to a Linkerd Server is taken by Linkerd's inbound proxies for
 * per-route authorization, not by a Gateway: "HTTPRoutes with a Server as their parent resource configure policy for
 * inbound proxies" (https://linkerd.io/2.15/features/httproute/). It is not NoMatchingParent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { analyzeGateways } from './index.ts';

const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: authors-get-route, namespace: booksapp}
spec:
  parentRefs: [{name: authors-server, kind: Server, group: policy.linkerd.io}]
  rules: [{matches: [{path: {type: PathPrefix, value: /authors/}, method: GET}]}]
`;
const server = `---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: authors-server, namespace: booksapp}
spec: {podSelector: {matchLabels: {app: authors}}, port: service}
`;
const linkerd = `---
apiVersion: v1
kind: Namespace
metadata: {name: linkerd}
`;

function accepted(text: string) {
  const { model } = buildFromTexts([{ file: 'm.yaml', text }]);
  const status = analyzeGateways(model).routes.find((r) => r.name === 'authors-get-route');
  return status?.parents[0]?.conditions[0];
}

test('gateway status: an HTTPRoute parented to a Linkerd Server is Accepted by the mesh', () => {
  const c = accepted(route + server + linkerd);
  assert.equal(c?.status, 'True');
  assert.match(c?.message ?? '', /bound to Server booksapp\/authors-server: the linkerd proxies/);
});

test('gateway status: a Server parent that does not exist is NoMatchingParent; without Linkerd it is Pending', () => {
  assert.equal(accepted(route + linkerd)?.reason, 'NoMatchingParent');
  assert.equal(accepted(route + server)?.reason, 'Pending');
});
