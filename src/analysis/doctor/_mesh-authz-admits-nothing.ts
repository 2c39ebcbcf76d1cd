import type { Pod } from '../../model/types.ts';
import { compileMesh } from '../mesh/index.ts';
import type { DoctorRule, Finding } from './types.ts';

/** Past this many refused connections without an admitted one the rule gives up on the workload (no finding). */
const maxJudged = 500;
const who = (p: Pod) => (p.owner ? p.owner.split('/').slice(1).join('/') : `${p.namespace}/${p.name}`);

/**
 * Mesh authorization that admits none of the clients the NetworkPolicies let reach a meshed workload: every
 * (client workload, port) the policies admit is then refused by the server's proxy — an Istio ALLOW
 * AuthorizationPolicy whose rules match none of them (an ALLOW policy without rules allows nothing), or a
 * Linkerd Server no authorization admits them to. The discovered flows are the NetworkPolicy-admitted
 * (client, server, container port) triples, judged as through a Service (auto mTLS), once per workload. A
 * verdict that is unknown or depends on the HTTP request, a DENY policy that decided, and connections refused
 * by STRICT mTLS (`mesh-strict-plaintext-clients`) do not count as "admits nothing".
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 * https://linkerd.io/2.15/reference/authorization-policy/
 */
export const meshAuthzAdmitsNothing: DoctorRule = {
  code: 'mesh-authz-admits-nothing',
  severity: 'warning',
  summary:
    'mesh authorization (an Istio ALLOW AuthorizationPolicy, a Linkerd Server and its authorizations) that admits none of the clients the NetworkPolicies let reach the workload',
  check({ model, engine }) {
    const name = model.mesh?.name;
    if (!name || !engine) return [];
    const mesh = compileMesh(model);
    const seen = new Set<string>();
    const workloads = model.pods.filter((p) => {
      if (!p.ip || p.namespace === 'kube-system' || seen.has(p.owner ?? p.key)) return false;
      seen.add(p.owner ?? p.key);
      return true;
    });
    const byNs = new Map<string, Pod[]>();
    for (const w of workloads) byNs.set(w.namespace, [...(byNs.get(w.namespace) ?? []), w]);
    const out: Finding[] = [];
    for (const server of workloads) {
      if (!mesh.sidecar(server).meshed) continue;
      const ports = [
        ...new Set(server.ports.filter((c) => c.protocol === 'TCP').map((c) => c.containerPort)),
      ];
      let admitted = 0;
      let refused = 0;
      let unsure = false;
      const policies = new Set<string>();
      const examples: string[] = [];
      // Same-namespace clients first: where a client is admitted it is usually one of them, which ends the walk.
      const clients = [
        ...(byNs.get(server.namespace) ?? []),
        ...workloads.filter((c) => c.namespace !== server.namespace),
      ];
      for (const client of clients) {
        if (unsure || admitted) break;
        if (client === server) continue;
        for (const port of ports) {
          if (!engine.allows({ kind: 'pod', pod: client }, { kind: 'pod', pod: server }, port, 'TCP'))
            continue;
          const v = mesh.inbound({
            client: { pod: client },
            server,
            port,
            protocol: 'TCP',
            assumeService: true,
          });
          if (!v || v.mtls.refused) continue;
          const a = v.authz;
          if (v.allowed) {
            admitted++;
            break;
          } else if (
            !a ||
            a.l7 ||
            a.unknown.length ||
            v.unknown.length ||
            a.action === 'DENY' ||
            !a.policies.length
          )
            unsure = true;
          else if (refused >= maxJudged) unsure = true;
          else {
            refused++;
            a.policies.forEach((p) => policies.add(p));
            if (examples.length < 3) examples.push(`${who(client)} on ${port}`);
          }
        }
      }
      if (unsure || admitted || !refused) continue;
      out.push({
        code: 'mesh-authz-admits-nothing',
        severity: 'warning',
        message: `the ${name} authorization of ${who(server)} (${[...policies].sort().join(', ')}) admits none of the ${refused} client connection(s) the NetworkPolicies let reach it (e.g. ${examples.join('; ')})`,
        objects: [
          { key: server.owner ?? server.key, source: server.source },
          ...[...policies].sort().flatMap((k) => {
            const o = [
              ...(model.mesh?.authorizationPolicies ?? []),
              ...(model.mesh?.linkerd.servers ?? []),
            ].find((x) => x.key === k);
            return o ? [{ key: o.key, source: o.source }] : [];
          }),
        ],
        breaks: `every client that can reach ${who(server)} is refused by its ${name} proxy (403 or connection reset)`,
        fix:
          name === 'istio'
            ? `Add a rule to the ALLOW AuthorizationPolicy naming the clients that need ${who(server)} (from.source principals or namespaces), or remove the policy if nothing should be restricted.`
            : `Add an AuthorizationPolicy (or ServerAuthorization) for the Server of ${who(server)} that admits the clients that need it.`,
      });
    }
    return out;
  },
};
