/**
 * `route --via istio-gateway` answers routing only; where AuthorizationPolicies select the gateway pods it says
 * that they judge each request before the routes (Istio's ingress authorization task:
 * https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/). It named the backend with no word
 * of a policy that answers 403 for every request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { gatewayAuthorizationNote } from './index.ts';

const app = 'testdata/apps/istio-authz-ingress';
const scenario = 'testdata/scenarios/mesh-istio-authz-ingress';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

function gatewayPodsNote(policy: boolean) {
  const { model } = buildFromTexts(
    [
      read(`${app}/namespace-foo.yaml`),
      read(`${app}/httpbin.yaml`),
      read(`${app}/httpbin-gateway.yaml`),
      read(`${scenario}/input/istio-ingressgateway.yaml`),
      ...(policy ? [read(`${app}/ingress-policy-allow-list.yaml`)] : []),
    ],
    { profile: read(`${scenario}/input/kubetwin.yaml`), namespace: 'foo' },
  );
  const pods = model.pods
    .filter((p) => p.namespace === 'istio-system')
    .map((p) => `${p.namespace}/${p.name}`);
  return gatewayAuthorizationNote(model, pods);
}

test('authz-ingress-route-note: a route through the ingress gateway names the AuthorizationPolicies selecting its pods', () => {
  assert.match(
    gatewayPodsNote(true) ?? '',
    /^AuthorizationPolicy\/istio-system\/ingress-policy selects the gateway pods/,
  );
  assert.equal(gatewayPodsNote(false), undefined);
});
