import type { ClusterModel, NetworkPolicy, Pod, Service } from '../../model/types.ts';
import type {
  AdmissionWebhook,
  AdmissionWebhookConfiguration,
  WebhookRule,
  WebhookService,
} from '../../model/admission.ts';
import { findPort } from '../../cluster/index.ts';
import { matches } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';
import { admitsPort } from './_admits-port.ts';
import { podsSelectedBy } from './_select.ts';

/**
 * Admission webhooks served in the cluster (`clientConfig.service`) are called by the Kubernetes API server, which
 * is not a pod: it dials the Service's port (`port`, 443 when unset, as the API server defaults it) and lands on a
 * ready endpoint's target port. When it cannot (no such Service, no such port, or every Ingress NetworkPolicy on the
 * webhook's pods admits nothing on that port from any peer), the call fails, and `failurePolicy` decides: `Fail`
 * (the v1 default) refuses every API request the webhook's rules match, `Ignore` lets them through unchecked. A
 * webhook given by `url` is called at that address as written, not through a Service: kubetwin does not judge it.
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#service-reference,
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#url,
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy
 * The API server's own address is not in the input, so policies are judged as for Istio's webhook port
 * (`mesh-istio-port-blocked`): a finding only when no rule admits the port from anyone at all. A Service whose
 * selector matches no pod is `service-selects-no-pods`, not repeated here.
 */
interface Webhook {
  readonly config: AdmissionWebhookConfiguration;
  readonly hook: AdmissionWebhook;
  readonly service: WebhookService;
}

/**
 * What one rule matches, in the words of RuleWithOperations: its `resources` within its `apiGroups` ("" is the core
 * group, "*" every group), so `*\/*` of cert-manager.io does not read as every request of the cluster.
 * https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/validating-webhook-configuration-v1/
 */
function ruleText(r: WebhookRule): string[] {
  if (!r.resources.length) return [];
  const groups = r.apiGroups.map((g) => (g === '' ? 'core' : g === '*' ? 'every API group' : g));
  return [groups.length ? `${r.resources.join(', ')} of ${groups.join(', ')}` : r.resources.join(', ')];
}

/**
 * The requests a webhook is sent, as its rules name them; its namespaceSelector, objectSelector and matchConditions
 * narrow them, which kubetwin does not evaluate (said, not hidden).
 */
function matchesText(hook: AdmissionWebhook): string {
  const resources = [...new Set(hook.rules.flatMap(ruleText))];
  const selectors = [
    ...(hook.namespaceSelector ? ['namespaceSelector'] : []),
    ...(hook.objectSelector ? ['objectSelector'] : []),
    ...(hook.matchConditions ? ['matchConditions'] : []),
  ];
  return `${resources.length ? resources.join(', ') : 'the requests it matches'}${selectors.length ? `, narrowed by its ${selectors.join(', ')}, which kubetwin does not evaluate` : ''}`;
}

/** The webhooks of the input called through a Service in the cluster (those given by `url` are not). */
function serviceWebhooks(model: ClusterModel): Webhook[] {
  return (model.admissionWebhooks ?? []).flatMap((config) =>
    config.webhooks.flatMap((hook) => (hook.service ? [{ config, hook, service: hook.service }] : [])),
  );
}

/**
 * The ports the API server calls admission webhooks on in `namespace`: `TCP <target port> on <workload>` for each
 * pod behind a webhook's Service, sorted. A default deny for Ingress there refuses those calls unless a policy
 * admits the port (the API server's address is not in the input).
 */
export function webhookTargets(model: ClusterModel, namespace: string): string[] {
  const out = new Set<string>();
  for (const { service: ref } of serviceWebhooks(model)) {
    if (ref.namespace !== namespace) continue;
    const service = model.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
    const sp = service?.ports.find((p) => p.port === ref.port && p.protocol === 'TCP');
    if (!service?.selector || !sp) continue;
    for (const pod of podsSelectedBy(model, service)) {
      const target = pod.hostNetwork ? undefined : findPort(pod, sp.targetPort, 'TCP');
      if (target !== undefined) out.add(`TCP ${target} on ${pod.owner ?? pod.key}`);
    }
  }
  return [...out].sort();
}

/** Why the API server's call cannot land, or undefined when nothing in the input stops it. */
function problem(
  w: WebhookService,
  service: Service | undefined,
  pods: readonly Pod[],
  policies: readonly NetworkPolicy[],
): { message: string; fix: string; at?: { key: string; source?: Service['source'] } } | undefined {
  const ref = `Service ${w.namespace}/${w.name}`;
  if (!service)
    return {
      message: `names ${ref}, which the input does not hold`,
      fix: `Deploy ${ref} in front of the webhook's pods, or fix clientConfig.service.`,
    };
  const sp = service.ports.find((p) => p.port === w.port && p.protocol === 'TCP');
  if (!sp)
    return {
      message: `calls ${ref} on port ${w.port}${w.portDefaulted ? ' (the default when clientConfig.service.port is unset)' : ''}, which it does not expose (ports: ${service.ports.map((p) => p.port).join(', ') || 'none'})`,
      fix: `Set clientConfig.service.port to the Service port that leads to the webhook (or add port ${w.port} to the Service).`,
      at: { key: service.key, source: service.source },
    };
  for (const pod of pods) {
    if (!pod.ip || pod.hostNetwork) continue;
    const target = findPort(pod, sp.targetPort, 'TCP');
    if (target === undefined) continue;
    const selecting = policies.filter(
      (n) =>
        n.namespace === pod.namespace &&
        n.policyTypes.includes('Ingress') &&
        matches(n.podSelector, pod.labels),
    );
    if (!selecting.length || selecting.some((n) => n.ingress.some((r) => admitsPort(r, target, pod))))
      continue;
    return {
      message: `calls ${ref} port ${w.port}, which leads to TCP ${target} on ${pod.owner ?? pod.key}; ${selecting.map((n) => n.key).join(', ')} select${selecting.length > 1 ? '' : 's'} those pods for Ingress and no rule admits TCP ${target} from anywhere`,
      fix: `Allow ingress to the webhook's pods on TCP ${target} from the API server's addresses (an ipBlock of the control plane, or from everywhere on that port).`,
      at: { key: selecting[0].key, source: selecting[0].source },
    };
  }
  return undefined;
}

export const webhookUnreachable: DoctorRule = {
  code: 'webhook-unreachable',
  severity: 'error',
  summary:
    'an admission webhook the API server cannot call: its Service is missing, lacks the port, or NetworkPolicies admit nothing on the target port',
  check({ model }) {
    const out: Finding[] = [];
    for (const { config, hook, service: ref } of serviceWebhooks(model)) {
      const service = model.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
      const pods = service?.selector ? podsSelectedBy(model, service) : [];
      const p = problem(ref, service, pods, model.networkPolicies);
      if (!p) continue;
      const fail = hook.failurePolicy === 'Fail';
      const matched = matchesText(hook);
      out.push({
        code: 'webhook-unreachable',
        severity: fail ? 'error' : 'warning',
        message: `${config.kind} ${config.name} webhook ${hook.name} ${p.message}`,
        objects: [{ key: config.key, source: config.source }, ...(p.at ? [p.at] : [])],
        breaks: fail
          ? `the API server cannot call the webhook, and with failurePolicy Fail it refuses every request the webhook matches (${matched})`
          : `the API server cannot call the webhook; with failurePolicy Ignore the requests it matches (${matched}) go through unchecked`,
        fix: p.fix,
      });
    }
    return out;
  },
};
