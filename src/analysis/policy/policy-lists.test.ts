/**
 * The policies isolating each class (`selectPolicies`, read through `policiesOf` and `policyLists`): a policy
 * isolates the pods its podSelector selects in its own namespace, for each of its policyTypes
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies). The compressed
 * lists must hold exactly those policies, ascending, for every class and direction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { matches } from '../../lib/labels.ts';
import { PolicyEngine } from './_engine.ts';
import { clusterArb, toYaml } from './_cluster-arb.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203);

test('property: policy lists hold, per class and direction, exactly the policies whose podSelector selects it in its namespace, ascending', () => {
  fc.assert(
    fc.property(clusterArb, fc.constantFrom('node' as const, 'pod' as const), (cluster, hostNetwork) => {
      const { model } = buildYaml(toYaml(cluster));
      const engine = new PolicyEngine(model, { hostNetwork });
      for (const direction of ['Ingress', 'Egress'] as const) {
        const lists = engine.policyLists(direction);
        assert.equal(lists.start.length, engine.classes.length + 1);
        for (const c of engine.classes) {
          // A hostNetwork pod in node mode is its node's address: no podSelector selects it.
          const expected = engine.policies.flatMap((np, i) =>
            np.policyTypes.includes(direction) &&
            np.namespace === c.namespace &&
            !(c.hostNetwork && hostNetwork === 'node') &&
            matches(np.podSelector, c.labels)
              ? [i]
              : [],
          );
          assert.deepEqual([...engine.policiesOf(c, direction)], expected, `${direction} of class ${c.id}`);
          assert.equal(lists.count(c.id), expected.length);
          assert.deepEqual([...lists.ids.subarray(lists.start[c.id], lists.start[c.id + 1])], expected);
        }
      }
    }),
    { numRuns: 300, seed },
  );
});
