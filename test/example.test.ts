import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const dir = 'examples/e-commerce';

test('e-commerce example: as-documented/ and fixed/ differ only in the policies and the fixed-only ClusterIssuer', () => {
  const documented = readdirSync(`${dir}/as-documented`).sort();
  const fixed = readdirSync(`${dir}/fixed`).sort();
  assert.deepEqual(
    fixed.filter((f) => !documented.includes(f)),
    ['75-cert-manager.yaml'],
  );
  assert.deepEqual(
    documented.filter((f) => !fixed.includes(f)),
    [],
  );
  for (const f of documented) {
    if (f === '90-network-policies.yaml') continue;
    assert.equal(
      readFileSync(`${dir}/fixed/${f}`, 'utf8'),
      readFileSync(`${dir}/as-documented/${f}`, 'utf8'),
      `${f} is identical in both variants`,
    );
  }
});
