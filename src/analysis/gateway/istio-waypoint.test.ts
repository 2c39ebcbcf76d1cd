/**
 * An Istio ambient waypoint is a Gateway of class istio-waypoint with one HBONE listener on 15008, as
 * `istioctl waypoint generate` writes it (https://istio.io/latest/docs/ambient/usage/waypoint/). istiod accepts
 * it; kubetwin said Accepted=False(UnsupportedProtocol) and doctor reported gateway-not-accepted as an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { analyzeGateways } from './index.ts';

const waypoint = (className: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: waypoint, namespace: foo, labels: {istio.io/waypoint-for: service}}
spec:
  gatewayClassName: ${className}
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
`;

const accepted = (yaml: string) => {
  const { model } = buildFromTexts([{ file: 'w.yaml', text: yaml }]);
  const gw = analyzeGateways(model).gateways.find((g) => g.name === 'waypoint');
  return gw?.listeners[0].conditions.find((c) => c.type === 'Accepted');
};

test('istio-waypoint: the HBONE listener of an istio-waypoint Gateway is accepted', () => {
  assert.equal(accepted(waypoint('istio-waypoint'))?.status, 'True');
});

test('istio-waypoint: HBONE on a Gateway of another class stays UnsupportedProtocol', () => {
  assert.equal(accepted(waypoint('istio'))?.reason, 'UnsupportedProtocol');
});
