import type { Pod } from '../../model/types.ts';
import { compileMesh } from '../mesh/index.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * Linkerd's proxy-init rewrites the destination port of meshed traffic to the inbound proxy port 4143, so a
 * NetworkPolicy that admits a meshed client to the application's port but not to 4143 blocks all meshed
 * traffic to that pod (https://linkerd.io/2/common-errors/network-policy/; the proxy listens on 4143 inbound
 * and 4191 admin, as its start-up log and proxy-init's `--incoming-proxy-port 4143` show). Judged per server
 * workload and meshed client workload on each declared TCP container port: the client is admitted on the
 * port, refused on 4143. Istio's sidecars keep the original port, so they are not judged here.
 */
const inboundProxyPort = 4143;
const who = (p: Pod) => (p.owner ? p.owner.split('/').slice(1).join('/') : `${p.namespace}/${p.name}`);

export const meshProxyPortBlocked: DoctorRule = {
  code: 'mesh-proxy-port-blocked',
  reportsPolicyDenial: true,
  severity: 'error',
  summary:
    "NetworkPolicies that admit meshed clients to a Linkerd-meshed pod's port but not to the proxy's inbound port 4143 (all meshed traffic arrives there)",
  check({ model, engine }) {
    if (model.mesh?.name !== 'linkerd' || !engine) return [];
    const mesh = compileMesh(model);
    const one = (pods: readonly Pod[]) => {
      const seen = new Set<string>();
      return pods.filter((p) => {
        if (!p.ip || !mesh.sidecar(p).meshed || seen.has(p.owner ?? p.key)) return false;
        seen.add(p.owner ?? p.key);
        return true;
      });
    };
    const meshed = one(model.pods);
    // Only a namespace with an Ingress NetworkPolicy can refuse 4143 (other enforcers are judged by the engine
    // too, but a Kubernetes policy is what this rule is about); skips the pair walk everywhere else.
    const guarded = new Set(
      model.networkPolicies.filter((n) => n.policyTypes.includes('Ingress')).map((n) => n.namespace),
    );
    const out: Finding[] = [];
    for (const server of meshed) {
      if (!guarded.has(server.namespace)) continue;
      const ports = [
        ...new Set(server.ports.filter((c) => c.protocol === 'TCP').map((c) => c.containerPort)),
      ].filter((p) => p !== inboundProxyPort);
      for (const client of meshed) {
        if (client === server) continue;
        const from = { kind: 'pod' as const, pod: client };
        const to = { kind: 'pod' as const, pod: server };
        const admitted = ports.filter((p) => engine.allows(from, to, p, 'TCP'));
        if (!admitted.length || engine.allows(from, to, inboundProxyPort, 'TCP')) continue;
        out.push({
          code: 'mesh-proxy-port-blocked',
          severity: 'error',
          message: `the NetworkPolicies admit ${who(client)} to ${who(server)} on port ${admitted.join(', ')} but not on ${inboundProxyPort}, the Linkerd proxy's inbound port where meshed traffic arrives`,
          objects: [
            { key: server.owner ?? server.key, source: server.source },
            { key: client.owner ?? client.key, source: client.source },
          ],
          breaks: `meshed requests from ${who(client)} to ${who(server)} are dropped before the proxy: the connection times out`,
          fix: `Allow ingress to ${who(server)} on TCP ${inboundProxyPort} from the clients that may reach port ${admitted.join(', ')}.`,
        });
      }
    }
    return out;
  },
};
