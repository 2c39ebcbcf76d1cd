/**
 * The doctor: the troubleshooting flowchart of the reference documents (endpoints? policies? DNS? ingress? TLS?)
 * and the cross-object mistakes people make with these APIs, as findings with stable codes, positions, what
 * breaks and the fix. Pure: model in, findings out, sorted.
 */
import { byString } from '../../model/keys.ts';
import type { Severity } from '../../model/diagnostic.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { DoctorContext, DoctorRule, Finding } from './types.ts';
import { serviceNoReadyEndpoints, serviceSelectsNoPods, targetPortNotExposed } from './_services.ts';
import { peerAndOrTrap, peerSelectsNothing, policySelectsNoPods } from './_policies.ts';
import {
  cniDoesNotEnforce,
  cniEnforcementUnknown,
  ipBlockMisuse,
  namespaceWithoutDefaultDeny,
} from './_posture.ts';
import { scrapePortNotExposed } from './_scrape.ts';
import { flowBlocked } from './_flows.ts';
import { corefileProblem } from './_corefile.ts';
import { egressWithoutDns } from './_egress-without-dns.ts';
import { serviceMonitorMisses } from './_service-monitors.ts';
import { removedOrUnknown } from './_input.ts';
import { kindChangesTrafficNotModeled } from './_unmodeled.ts';
import {
  ciliumCidrInCluster,
  ciliumDnsUdpOnly,
  ciliumFqdnWithoutDns,
  ciliumL7OnNonHttp,
  ciliumNotEnforced,
  ciliumSelectorScoped,
} from './_cilium.ts';
import { meshInput } from './_mesh-input.ts';
import { meshControlPlaneBlocked } from './_mesh-control-plane-blocked.ts';
import { meshProxyPortBlocked } from './_mesh-proxy-port-blocked.ts';
import { meshIstioPortBlocked } from './_mesh-istio-port-blocked.ts';
import { webhookUnreachable } from './_webhooks.ts';
import { policySelectsOnlyHostNetworkPods } from './_policy-host-network.ts';
import { meshAuthzAdmitsNothing } from './_mesh-authz-admits-nothing.ts';
import { meshObjectsWithoutMesh } from './_mesh-objects-without-mesh.ts';
import { meshAmbientRouteWithoutWaypoint } from './_mesh-ambient-route-without-waypoint.ts';
import { destinationRuleSubsetSelectsNoPods } from './_destination-rule-subset-selects-no-pods.ts';
import { istioGatewaySelectsNoPods } from './_istio-gateway-selects-no-pods.ts';
import { meshStrictPlaintextClients } from './_mesh-strict-plaintext-clients.ts';
import { meshDestinationRulePlaintextToStrict } from './_mesh-destination-rule-plaintext-to-strict.ts';
import { meshPortLevelMtlsServicePort } from './_mesh-port-level-mtls-service-port.ts';
import { enforcementUnknown, PolicyEngine } from '../policy/index.ts';
import { ifEnforced } from './_if-enforced.ts';
import { flowsFromClientIntents } from '../flows/index.ts';
import { createTraceContext, traceFlow } from '../trace/index.ts';
import {
  backendNotFound,
  ingressClassUnresolved,
  routeNotAttached,
  tlsCertificateProblem,
} from './_routing.ts';
import { backendTlsPolicyProblem } from './_backend-tls-policy.ts';
import { openshiftRouteNotAdmitted } from './_openshift-routes.ts';
import { listenerSetNotAccepted } from './_listenersets.ts';
import { gatewayNotAccepted } from './_gateways.ts';
import { groupFindings as groupRuns } from './_group.ts';

export type { DoctorRule, Finding, FindingObject } from './types.ts';
export { admitsEverything, isDefaultDeny } from './_posture.ts';
export { isCiliumDefaultDeny } from './_cilium-default-deny.ts';
export { webhookTargets } from './_webhooks.ts';

/** Every rule, in the order of the troubleshooting flowchart. Add new rules here, explicitly. */
export const doctorRules: readonly DoctorRule[] = [
  serviceSelectsNoPods,
  serviceNoReadyEndpoints,
  targetPortNotExposed,
  webhookUnreachable,
  cniDoesNotEnforce,
  cniEnforcementUnknown,
  kindChangesTrafficNotModeled,
  policySelectsNoPods,
  policySelectsOnlyHostNetworkPods,
  peerSelectsNothing,
  peerAndOrTrap,
  egressWithoutDns,
  corefileProblem,
  namespaceWithoutDefaultDeny,
  ipBlockMisuse,
  ciliumNotEnforced,
  ciliumSelectorScoped,
  ciliumDnsUdpOnly,
  ciliumFqdnWithoutDns,
  ciliumCidrInCluster,
  ciliumL7OnNonHttp,
  scrapePortNotExposed,
  serviceMonitorMisses,
  ingressClassUnresolved,
  backendNotFound,
  routeNotAttached,
  gatewayNotAccepted,
  listenerSetNotAccepted,
  tlsCertificateProblem,
  backendTlsPolicyProblem,
  openshiftRouteNotAdmitted,
  meshObjectsWithoutMesh,
  meshInput,
  meshControlPlaneBlocked,
  meshProxyPortBlocked,
  meshIstioPortBlocked,
  meshAuthzAdmitsNothing,
  destinationRuleSubsetSelectsNoPods,
  istioGatewaySelectsNoPods,
  meshStrictPlaintextClients,
  meshDestinationRulePlaintextToStrict,
  meshPortLevelMtlsServicePort,
  meshAmbientRouteWithoutWaypoint,
  flowBlocked,
  removedOrUnknown,
];

const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface DoctorOptions {
  /** Parsed TLS Secrets, for the certificate checks. */
  readonly certificates?: DoctorContext['certificates'];
  /** ISO time certificates are judged at. */
  readonly now?: string;
  /** A compiled engine to reuse (one is compiled otherwise). */
  readonly engine?: PolicyEngine;
  /** Declared flows, traced. */
  readonly flowTraces?: DoctorContext['flowTraces'];
  /** The builder's diagnostics (removed and unknown fields are reported as findings too). */
  readonly diagnostics?: DoctorContext['diagnostics'];
  /** Extra rules (from analyses that need more than the model), run after the built-in ones. */
  readonly extraRules?: readonly DoctorRule[];
}

/** Runs every rule; findings sorted by severity, then file and line, then code. */
export function runDoctor(model: ClusterModel, options: DoctorOptions = {}): Finding[] {
  let flowTraces = options.flowTraces;
  if (!flowTraces) {
    // Otterize ClientIntents in the manifests are declared flows too.
    const intents = flowsFromClientIntents(model);
    if (intents.length) {
      const tctx = createTraceContext(model, { certificates: options.certificates, now: options.now });
      flowTraces = intents.map((f) => traceFlow(tctx, f));
    }
  }
  const ctx: DoctorContext = {
    model,
    certificates: options.certificates,
    now: options.now,
    engine: options.engine ?? new PolicyEngine(model),
    diagnostics: options.diagnostics,
    flowTraces,
  };
  const unsure = enforcementUnknown(model);
  const findings = [...doctorRules, ...(options.extraRules ?? [])].flatMap((r) =>
    unsure && r.reportsPolicyDenial
      ? r.check(ctx).map((f) => ({ ...f, breaks: ifEnforced(f.breaks) }))
      : r.check(ctx),
  );
  return findings.sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      byString(a.objects[0]?.source?.file ?? '', b.objects[0]?.source?.file ?? '') ||
      (a.objects[0]?.source?.line ?? 0) - (b.objects[0]?.source?.line ?? 0) ||
      byString(a.code, b.code) ||
      byString(a.message, b.message),
  );
}

/** Findings as text and report tables show them: a rule's findings that share one fix and patch, as one (`_group.ts`). */
export function groupFindings(findings: readonly Finding[]): Finding[] {
  return groupRuns(findings, doctorRules);
}

/** Does any finding reach `threshold` (for `--fail-on`)? */
export function failsAt(findings: readonly Finding[], threshold: Severity): boolean {
  return findings.some((f) => rank[f.severity] <= rank[threshold]);
}
