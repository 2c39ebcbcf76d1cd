/**
 * HTTPPathModifier `ReplacePrefixMatch`, row by row as the spec's table gives it (apis/v1/httproute_types.go).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httppathmodifier
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replacePrefix } from './_filters.ts';

// Request Path | Prefix Match | Replace Prefix | Modified Path
const table = `
/foo/bar | /foo  | /xyz  | /xyz/bar
/foo/bar | /foo  | /xyz/ | /xyz/bar
/foo/bar | /foo/ | /xyz  | /xyz/bar
/foo/bar | /foo/ | /xyz/ | /xyz/bar
/foo     | /foo  | /xyz  | /xyz
/foo/    | /foo  | /xyz  | /xyz/
/foo/bar | /foo  |       | /bar
/foo/    | /foo  |       | /
/foo     | /foo  |       | /
/foo/    | /foo  | /     | /
/foo     | /foo  | /     | /`;

test('rule HTTPPathModifier ReplacePrefixMatch: every row of the spec table', () => {
  for (const row of table.trim().split('\n')) {
    const [path, prefix, replacement, want] = row.split('|').map((c) => c.trim());
    assert.equal(replacePrefix(path, prefix, replacement), want, row);
  }
});
