/**
 * DestinationRules that make meshed clients send plaintext (`tls.mode: DISABLE`, at the destination level or in
 * the `portLevelSettings` entry of the Service port) to a Service port whose meshed endpoints are STRICT: the
 * server's sidecar refuses every such connection. Istio's mTLS migration task warns that a DestinationRule's TLS
 * mode overrides auto mTLS (https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/,
 * https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/#auto-mtls). The rule is
 * looked up as for a client in the Service's own namespace (clients elsewhere use it too unless they have their own).
 */
import type { SourceRef } from '../../../model/diagnostic.ts';
import type { DestinationRule } from '../../../model/mesh.ts';
import type { ClusterModel, Pod, Service } from '../../../model/types.ts';
import { readyEndpoints } from '../_router.ts';
import type { Sidecar } from '../types.ts';
import { clientTls } from './_client-tls.ts';
import { effectiveMtls } from './_mtls.ts';
import { destinationRuleIndex } from './_subsets.ts';

export interface PlaintextToStrict {
  readonly rule: DestinationRule;
  /** Where the rule sets DISABLE (`trafficPolicy.tls.mode`, `trafficPolicy.portLevelSettings[port N]`). */
  readonly at: string;
  readonly service: Service;
  readonly port: number;
  /** One STRICT endpoint pod and its port, with what made it STRICT. */
  readonly pod: Pod;
  readonly targetPort: number;
  readonly modeBy: string;
  readonly modeSource?: SourceRef;
  /** The clients that use the rule when a workloadSelector makes it depend on the client (`clients in ns labelled …`). */
  readonly clients?: string;
}

/** Every (Service port) where the DestinationRule in effect sends plaintext to a STRICT meshed endpoint. */
export function plaintextToStrict(model: ClusterModel, sidecar: (p: Pod) => Sidecar): PlaintextToStrict[] {
  const mesh = model.mesh;
  if (mesh?.name !== 'istio' || !mesh.destinationRules.length || !mesh.peerAuthentications.length) return [];
  const drFor = destinationRuleIndex(mesh.destinationRules, model.profile.clusterDomain);
  const out: PlaintextToStrict[] = [];
  for (const service of model.services) {
    // No client pod here: with workloadSelector rules, each group of clients is judged with its own rule.
    const choice = drFor(service, { namespace: service.namespace });
    for (const { rule, clients } of choice.byClient ?? [{ rule: choice.rule, clients: undefined }])
      if (rule) out.push(...strictConflicts(model, sidecar, service, rule, clients));
  }
  return out;
}

/** The Service ports `rule` sends plaintext to while one of their meshed endpoints is STRICT. */
function strictConflicts(
  model: ClusterModel,
  sidecar: (p: Pod) => Sidecar,
  service: Service,
  rule: DestinationRule,
  clients: string | undefined,
): PlaintextToStrict[] {
  const mesh = model.mesh!;
  const out: PlaintextToStrict[] = [];
  for (const sp of service.ports) {
    if (sp.protocol !== 'TCP') continue;
    const t = clientTls(rule, sp.port);
    if (t.mode !== 'DISABLE') continue;
    for (const e of readyEndpoints(model, service, sp)) {
      if (!e.pod || !sidecar(e.pod).meshed) continue;
      const eff = effectiveMtls(mesh.peerAuthentications, mesh.rootNamespace, e.pod, e.port);
      if (eff.mode !== 'STRICT') continue;
      out.push({
        rule,
        at: t.at!,
        service,
        port: sp.port,
        pod: e.pod,
        targetPort: e.port,
        modeBy: eff.by,
        modeSource: eff.source,
        ...(clients ? { clients } : {}),
      });
      break;
    }
  }
  return out;
}
