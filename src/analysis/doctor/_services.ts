import type { Pod, Service } from '../../model/types.ts';
import { findPort } from '../../cluster/index.ts';
import { formatSelector, selectorFromMap } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';
import { podsSelectedBy } from './_select.ts';
import { isStandIn, unmodeledBackers } from '../service-path/index.ts';

const at = (s: Service) => ({ key: s.key, source: s.source });

/**
 * A Service whose selector matches no pod gets no endpoints: its ClusterIP accepts connections that kube-proxy
 * rejects. https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
 */
export const serviceSelectsNoPods: DoctorRule = {
  code: 'service-selects-no-pods',
  severity: 'error',
  summary: 'a Service whose selector matches no pod in its namespace',
  check: ({ model }) =>
    model.services
      // A stand-in kubetwin added (kube-dns beside a dump's own kube-system pods) is not the user's Service: what
      // backs it is unknown (reach, trace and endpoints say so), not a selector to fix.
      // A selector an unmodeled workload's template satisfies has pods kubetwin does not build (reach says unknown).
      .filter(
        (s) =>
          s.selector &&
          s.type !== 'ExternalName' &&
          !isStandIn(s) &&
          podsSelectedBy(model, s).length === 0 &&
          unmodeledBackers(model, s).length === 0,
      )
      .map((s) => {
        const near = nearMisses(
          model.pods.filter((p) => p.namespace === s.namespace),
          s.selector!,
        );
        return {
          code: 'service-selects-no-pods',
          severity: 'error',
          message: `Service ${s.namespace}/${s.name} selects ${formatSelector(selectorFromMap(s.selector!))}, which no pod in ${s.namespace} carries${near ? `; closest: ${near}` : ''}`,
          objects: [at(s)],
          breaks: `every connection to ${s.name} (ClusterIP ${s.clusterIPs[0] ?? 'None'}) is rejected: the Service has no endpoints`,
          fix: 'Make spec.selector match the pod template labels of the workload behind the Service.',
        };
      }),
};

/** Selected pods exist but none is ready: endpoints are all not-ready, so traffic is rejected. */
export const serviceNoReadyEndpoints: DoctorRule = {
  code: 'service-no-ready-endpoints',
  severity: 'error',
  summary: 'a Service whose selected pods exist but none is ready (or scheduled)',
  check: ({ model }) => {
    const out: Finding[] = [];
    for (const s of model.services) {
      if (!s.selector || s.type === 'ExternalName') continue;
      const pods = podsSelectedBy(model, s);
      if (!pods.length || pods.some((p) => p.ready) || s.publishNotReadyAddresses) continue;
      out.push({
        code: 'service-no-ready-endpoints',
        severity: 'error',
        message: `Service ${s.namespace}/${s.name} selects ${pods.length} pod(s), none ready (${[...new Set(pods.map((p) => p.phase))].join(', ')})`,
        objects: [at(s), ...pods.slice(0, 3).map((p) => ({ key: p.key, source: p.source }))],
        breaks: `connections to ${s.name} are rejected until a selected pod becomes ready`,
        fix: 'Check why the pods are not ready or not scheduled (readiness, nodeSelector, node capacity).',
      });
    }
    return out;
  },
};

/**
 * A named targetPort that no selected pod defines leaves that Service port without endpoints; a numeric one no
 * pod declares works only if the process listens there anyway.
 * https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 */
export const targetPortNotExposed: DoctorRule = {
  code: 'target-port-not-exposed',
  severity: 'error',
  summary: 'a Service targetPort that no selected pod exposes (named: no endpoints; numeric: undeclared)',
  check: ({ model }) => {
    const out: Finding[] = [];
    for (const s of model.services) {
      if (!s.selector) continue;
      const pods = podsSelectedBy(model, s);
      if (!pods.length) continue;
      s.ports.forEach((sp, i) => {
        const resolved = pods.filter((p) => findPort(p, sp.targetPort, sp.protocol) !== undefined);
        const declared =
          typeof sp.targetPort === 'number'
            ? pods.filter((p) =>
                p.ports.some((cp) => cp.containerPort === sp.targetPort && cp.protocol === sp.protocol),
              )
            : resolved;
        if (declared.length) return;
        const named = typeof sp.targetPort === 'string';
        if (!named && pods.every((p) => p.ports.length === 0)) return; // pods declare no ports at all: nothing to compare
        const exposed =
          [
            ...new Set(
              pods.flatMap((p) =>
                p.ports.map((cp) => `${cp.name ? `${cp.name}=` : ''}${cp.containerPort}/${cp.protocol}`),
              ),
            ),
          ]
            .sort()
            .join(', ') || 'none';
        out.push({
          code: 'target-port-not-exposed',
          severity: named ? 'error' : 'warning',
          message: `Service ${s.namespace}/${s.name} port ${sp.port}/${sp.protocol} targets ${named ? `the port named "${sp.targetPort}"` : `port ${sp.targetPort}`}, which no selected pod ${named ? 'defines' : 'declares'} (pods expose: ${exposed})`,
          objects: [
            {
              key: s.key,
              source: s.source ? { ...s.source, path: `spec.ports[${i}].targetPort` } : undefined,
            },
          ],
          breaks: named
            ? `port ${sp.port} of ${s.name} has no endpoints: connections to it are rejected`
            : `connections to port ${sp.port} reach pods on ${sp.targetPort}, where no container says it listens`,
          fix: named
            ? 'Use a port name the pods define, or add it to the container ports.'
            : 'Point targetPort at a declared container port, or declare the port in the pod template.',
        });
      });
    }
    return out;
  },
};

function nearMisses(pods: readonly Pod[], selector: Readonly<Record<string, string>>): string | undefined {
  const keys = Object.keys(selector);
  let best: { pod: Pod; score: number } | undefined;
  for (const p of pods) {
    const score = keys.filter((k) => p.labels[k] === selector[k]).length;
    if (score > 0 && (!best || score > best.score)) best = { pod: p, score };
  }
  if (!best) return undefined;
  const diff = keys
    .filter((k) => best!.pod.labels[k] !== selector[k])
    .map((k) => `${k}=${best!.pod.labels[k] ?? '<missing>'}`);
  return `${best.pod.owner ?? best.pod.key} has ${diff.join(',')}`;
}
