import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { createTraceContext, traceFlow } from '../trace/index.ts';
import { parseFlowSource, parseFlowTarget } from '../flows/index.ts';
import { flowGraph } from './_graph.ts';

const text = `apiVersion: v1
kind: Namespace
metadata: {name: boutique}
---
apiVersion: v1
kind: Service
metadata: {name: frontend-external, namespace: boutique}
spec:
  type: LoadBalancer
  selector: {app: nothing-yet}
  ports: [{port: 80, targetPort: 8080}]
`;

test("a Service of the app reached from outside by its bare name is drawn in its namespace, not in '(outside)'", () => {
  const { model } = buildFromTexts([{ file: 'app.yaml', text }]);
  const from = parseFlowSource('internet');
  const to = parseFlowTarget('http://frontend-external/', undefined, undefined, undefined);
  assert.ok(typeof from !== 'string' && typeof to !== 'string');
  const ctx = createTraceContext(model, { now: '2026-11-01T00:00:00Z' });
  const t = traceFlow(ctx, { name: 'shop', origin: 'flows-file', steps: [{ from, to, text: 'x' }] });
  const g = flowGraph(model, [t]);
  const node = g.nodes.find((n) => n.label === 'frontend-external');
  assert.ok(node, JSON.stringify(g.nodes));
  assert.equal(node.group, 'boutique');
});
