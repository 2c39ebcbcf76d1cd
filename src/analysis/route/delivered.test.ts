/**
 * `route`'s exit code: a request counts as delivered only when every backend given a share of it is valid and has
 * a ready endpoint. Gateway API: a request to an invalid backendRef gets 500 for that ref's share
 * (https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.HTTPBackendRef); a Service with no
 * ready endpoint cannot take the request (the data plane answers 503).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DecisionBackend, RouteDecision } from '../../model/routing.ts';
import { parseRequest, routeDelivered, type RouteResult } from './index.ts';

const request = parseRequest({ url: 'https://shop.example.com/cart' });
if (typeof request === 'string') throw new Error(request);
const backend = (name: string, weight = 1, problem?: string): DecisionBackend => ({
  namespace: 'shop',
  name,
  port: 8080,
  weight,
  ...(problem ? { problem } : {}),
});
const result = (d: Partial<RouteDecision>, endpoints: readonly (readonly string[])[] = []): RouteResult => {
  const decision = { status: 200, backends: [], mirrors: [], lost: [], notes: [], ...d };
  return { via: 'gateway:infra/edge', request, decision, routed: decision, endpoints, mirrorEndpoints: [] };
};

describe('route delivered: the exit code is 0 only when the request reaches a backend with ready endpoints', () => {
  it('200 to a Service with a ready endpoint is delivered', () => {
    assert.equal(routeDelivered(result({ backends: [backend('cart')] }, [['10.244.1.3:8080']])), true);
  });
  it('a redirect, a 404 and a 500 are not delivered', () => {
    const redirect = { status: 301, location: 'https://shop.example.com/cart' };
    assert.equal(routeDelivered(result({ status: 301, redirect })), false);
    assert.equal(routeDelivered(result({ status: 404 })), false);
    assert.equal(
      routeDelivered(result({ status: 500, backends: [backend('cart', 1, 'no Service')] })),
      false,
    );
  });
  it('a backend with no ready endpoint is not delivered (503), even as one share of a split', () => {
    assert.equal(routeDelivered(result({ backends: [backend('cart')] }, [[]])), false);
    const split = { backends: [backend('cart-canary', 90), backend('cart', 10)] };
    assert.equal(routeDelivered(result(split, [[], ['10.244.1.3:8080']])), false);
  });
  it('an invalid backendRef with a share is not delivered (500 for its share); with weight 0 it takes none', () => {
    const withShare = { backends: [backend('gone', 1, 'no Service shop/gone'), backend('cart')] };
    assert.equal(routeDelivered(result(withShare, [[], ['10.244.1.3:8080']])), false);
    const noShare = { backends: [backend('gone', 0, 'no Service shop/gone'), backend('cart')] };
    assert.equal(routeDelivered(result(noShare, [[], ['10.244.1.3:8080']])), true);
  });
});
