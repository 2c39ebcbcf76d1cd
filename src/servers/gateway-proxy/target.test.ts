/** The fast path of request-target parsing gives exactly what the WHATWG URL parser gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget } from './_target.ts';

const viaUrl = (t: string) => {
  const u = new URL(`http://x${t}`);
  return { path: u.pathname, search: u.search, query: [...u.searchParams.entries()] };
};

test('request target: fast path and new URL agree (dot segments, percent-encoding, queries, odd characters)', () => {
  const targets = [
    '/',
    '/a/b',
    '/a/b/',
    '/api/v3/items',
    '/a?x=1&y=2',
    '/a?',
    '/a?x',
    '/a?x=%20b&x=c',
    '/%7Euser/a',
    '/a/./b',
    '/a/../b',
    '/a/%2e%2E/b',
    '/a/..',
    '/a/.hidden',
    '/a..b/c',
    '/a b',
    '/a#frag',
    '/a?b#c',
    '/ä',
    '/a/.?x=1',
    "/a/'quoted'",
    '/a?q=a+b',
    '//double',
  ];
  for (const t of targets) assert.deepEqual(parseTarget(t), viaUrl(t), t);
});

test('a backslash stays a path character (%5C), never a / as the WHATWG parser would make it: /admin\\x is not /admin/x', () => {
  assert.equal(parseTarget('/admin\\secret').path, '/admin%5Csecret');
  assert.equal(parseTarget('/a\\..\\b?x=1').path, '/a%5C..%5Cb');
});
