/**
 * Traefik's HTTP rule language as its reference documents it
 * (https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/): matchers with
 * values in backticks or double quotes, `&&` binding tighter than `||`, `!` and parentheses; evaluated three-valued
 * so a matcher kubetwin does not model (ClientIP, v2 forms) answers unknown instead of a silent miss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequest } from '../../model/routing.ts';
import { evalTraefikRule, parseTraefikRule, type RuleNode } from './_traefik-rule.ts';

const req = (over: Partial<HttpRequest> = {}): HttpRequest => ({
  scheme: 'http',
  host: 'foo.com',
  port: 80,
  path: '/api/v1',
  query: [['q', '1']],
  method: 'GET',
  headers: { 'x-env': 'canary' },
  ...over,
});

function truth(rule: string, r = req()) {
  const n = parseTraefikRule(rule);
  assert.ok(!('error' in n), `parse ${rule}: ${'error' in n ? n.error : ''}`);
  const why: string[] = [];
  return { v: evalTraefikRule(n as RuleNode, r, why), why };
}

test('rule traefik-rule-values: backticks and double quotes are both Go string literals; single quotes are refused', () => {
  assert.equal(truth('Host(`foo.com`)').v, true);
  assert.equal(truth('Host("foo.com")').v, true);
  assert.equal(truth('Host("fo\\"o.com")').v, false);
  assert.ok('error' in parseTraefikRule("Host('foo.com')"));
});

test('rule traefik-rule-operators: && binds tighter than ||, ! inverts, parentheses group', () => {
  // a || b && c is a || (b && c): true here although (a || b) && c is false.
  assert.equal(truth('Host(`foo.com`) || Method(`POST`) && Path(`/x`)').v, true);
  assert.equal(truth('(Host(`foo.com`) || Method(`POST`)) && Path(`/x`)').v, false);
  assert.equal(truth('!PathPrefix(`/admin`) && Host(`foo.com`)').v, true);
  assert.equal(truth('!(PathPrefix(`/api`) || Method(`POST`))').v, false);
  const n = parseTraefikRule('A(`1`) || B(`2`) && C(`3`)');
  assert.equal('op' in n && n.op, 'or');
});

test('rule traefik-rule-syntax-errors: unbalanced parentheses, a missing operand or an unterminated value do not parse', () => {
  for (const bad of ['Host(`a`', 'Host(`a`) &&', '(Host(`a`)', 'Host(`a)', 'Host(`a`) Path(`/`)', ''])
    assert.ok('error' in parseTraefikRule(bad), bad);
});

test('rule traefik-rule-matchers: Host (case-insensitive), Path, PathPrefix (string prefix), Method, Header, Query, regexps', () => {
  assert.equal(truth('Host(`FOO.com`)').v, true);
  assert.equal(truth('Path(`/api`)').v, false);
  assert.equal(truth('PathPrefix(`/ap`)').v, true);
  assert.equal(truth('PathRegexp(`^/api/v[0-9]+$`)').v, true);
  assert.equal(truth('HostRegexp(`^[a-z]+\\.com$`)').v, true);
  assert.equal(truth('Method(`GET`)').v, true);
  assert.equal(truth('Header(`X-Env`, `canary`)').v, true);
  assert.equal(truth('Header(`X-Env`, `prod`)').v, false);
  assert.equal(truth('HeaderRegexp(`X-Env`, `^can`)').v, true);
  assert.equal(truth('Query(`q`, `1`)').v, true);
  assert.equal(truth('QueryRegexp(`q`, `^[0-9]$`)').v, true);
});

test('rule traefik-rule-unknown-matchers: ClientIP, v2 matchers and several values answer unknown, and && false still decides', () => {
  const ip = truth('ClientIP(`10.0.0.0/8`)');
  assert.equal(ip.v, 'unknown');
  assert.match(ip.why[0], /client address/);
  assert.equal(truth('Headers(`X-Env`, `canary`)').v, 'unknown');
  assert.equal(truth('Host(`a.com`, `foo.com`)').v, 'unknown');
  assert.equal(truth('HostSNI(`foo.com`)').v, 'unknown');
  // A false operand decides && and a true one decides || whatever the unknown side says.
  assert.equal(truth('Host(`bar.com`) && ClientIP(`10.0.0.1`)').v, false);
  assert.equal(truth('Host(`foo.com`) || ClientIP(`10.0.0.1`)').v, true);
  assert.equal(truth('!ClientIP(`10.0.0.1`)').v, 'unknown');
});
