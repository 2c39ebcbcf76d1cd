/**
 * What the trace tests share: Deployment `web` (label app=web, one container port) behind Service `web`, and the
 * trace of one target on a cluster built from YAML.
 */
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget, type FlowSource } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';
import type { Trace } from './types.ts';

/**
 * Deployment `web` listening on `containerPort` (its pod on `nodeName` when given), then Service `web` with the
 * flow-map entries `service` gives before its selector (`type: NodePort, `), its `ports` list, and an optional status
 * line (newline-terminated YAML).
 */
export function webBehindService(
  containerPort: number,
  service: { readonly spec: string; readonly ports: string; readonly status?: string },
  nodeName?: string,
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {${nodeName ? `nodeName: ${nodeName}, ` : ''}containers: [{name: c, image: x, ports: [{containerPort: ${containerPort}}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {${service.spec}selector: {app: web}, ports: ${service.ports}}
${service.status ? `status: ${service.status}\n` : ''}`;
}

/**
 * `web` behind a LoadBalancer Service at 203.0.113.10 (port 80 → 8080), `spec` the Service's extra flow-map
 * entries (`externalTrafficPolicy: Local, `), and a bare Pod `client` in the default namespace.
 */
export function loadBalancedWebAndClient(spec = ''): string {
  return `${webBehindService(8080, {
    spec: `type: LoadBalancer, ${spec}`,
    ports: '[{port: 80, targetPort: 8080}]',
    status: '{loadBalancer: {ingress: [{ip: 203.0.113.10}]}}',
  })}---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: x}]}
`;
}

/** The trace of `target` (a flow target as a user writes it) from `from`, on the cluster `yaml` builds. */
export function traceOn(yaml: string, from: FlowSource, target: string): Trace {
  const { model } = buildYaml(yaml);
  const to = parseFlowTarget(target, undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  return trace(createTraceContext(model), from, to);
}
