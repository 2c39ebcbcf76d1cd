import type { Pod } from '../../model/types.ts';
import { compileMesh, hbonePort } from '../mesh/index.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * A mesh that carries its clients' connections on a proxy port of the server pod, which NetworkPolicies judge:
 * Linkerd's proxy-init rewrites the destination port of meshed traffic to the inbound proxy port 4143, so a
 * NetworkPolicy that admits a meshed client to the application's port but not to 4143 blocks all meshed
 * traffic to that pod (https://linkerd.io/2/common-errors/network-policy/; the proxy listens on 4143 inbound
 * and 4191 admin, as its start-up log and proxy-init's `--incoming-proxy-port 4143` show). Istio ambient's
 * ztunnel tunnels a connection between ambient pods over HBONE to port 15008 of the server pod, so a policy
 * that admits an ambient client to the application's port but not to 15008 blocks it
 * (https://istio.io/latest/docs/ambient/usage/networkpolicy/). Judged per server workload and client workload of
 * the mesh on each declared TCP container port: the client is admitted on the port, refused on the proxy port.
 * Istio's sidecars keep the original port, so they are not judged here.
 */
const inboundProxyPort = 4143;

const who = (p: Pod) => (p.owner ? p.owner.split('/').slice(1).join('/') : `${p.namespace}/${p.name}`);

export const meshProxyPortBlocked: DoctorRule = {
  code: 'mesh-proxy-port-blocked',
  reportsPolicyDenial: true,
  severity: 'error',
  summary:
    "NetworkPolicies that admit a mesh's clients to a pod's port but not to the proxy port their connections arrive on (Linkerd: the proxy's inbound port 4143; Istio ambient: HBONE 15008 between ambient pods)",
  check({ model, engine }) {
    const name = model.mesh?.name;
    if ((name !== 'linkerd' && name !== 'istio') || !engine) return [];
    const mesh = compileMesh(model);
    const proxyPort = name === 'linkerd' ? inboundProxyPort : hbonePort;
    const inMesh = (p: Pod) => (name === 'linkerd' ? mesh.sidecar(p).meshed : mesh.ambient(p) !== undefined);
    const one = (pods: readonly Pod[]) => {
      const seen = new Set<string>();
      return pods.filter((p) => {
        if (!p.ip || !inMesh(p) || seen.has(p.owner ?? p.key)) return false;
        seen.add(p.owner ?? p.key);
        return true;
      });
    };
    const meshed = one(model.pods);
    // Only a namespace with an Ingress NetworkPolicy (or, for ambient clients, an Egress one) can refuse the proxy
    // port (other enforcers are judged by the engine too, but a Kubernetes policy is what this rule is about);
    // skips the pair walk everywhere else.
    const guarded = (type: 'Ingress' | 'Egress') =>
      new Set(model.networkPolicies.filter((n) => n.policyTypes.includes(type)).map((n) => n.namespace));
    const ingressGuarded = guarded('Ingress');
    const egressGuarded = name === 'istio' ? guarded('Egress') : new Set<string>();
    const what =
      name === 'linkerd'
        ? `the Linkerd proxy's inbound port where meshed traffic arrives`
        : `the HBONE port Istio ambient's ztunnel tunnels connections between ambient pods to`;
    const out: Finding[] = [];
    for (const server of meshed) {
      const ports = [
        ...new Set(server.ports.filter((c) => c.protocol === 'TCP').map((c) => c.containerPort)),
      ].filter((p) => p !== proxyPort);
      for (const client of meshed) {
        if (client === server) continue;
        if (!ingressGuarded.has(server.namespace) && !egressGuarded.has(client.namespace)) continue;
        const from = { kind: 'pod' as const, pod: client };
        const to = { kind: 'pod' as const, pod: server };
        const admitted = ports.filter((p) => engine.allows(from, to, p, 'TCP'));
        if (!admitted.length || engine.allows(from, to, proxyPort, 'TCP')) continue;
        const side = engine.explain(from, to, proxyPort, 'TCP').ingress.allowed
          ? 'egress from'
          : 'ingress to';
        out.push({
          code: 'mesh-proxy-port-blocked',
          severity: 'error',
          message: `the NetworkPolicies admit ${who(client)} to ${who(server)} on port ${admitted.join(', ')} but not on ${proxyPort}, ${what}`,
          objects: [
            { key: server.owner ?? server.key, source: server.source },
            { key: client.owner ?? client.key, source: client.source },
          ],
          breaks: `${name === 'linkerd' ? 'meshed' : 'ambient'} requests from ${who(client)} to ${who(server)} are dropped before the proxy: the connection times out`,
          fix:
            side === 'ingress to'
              ? `Allow ingress to ${who(server)} on TCP ${proxyPort} from the clients that may reach port ${admitted.join(', ')}.`
              : `Allow egress from ${who(client)} to ${who(server)} on TCP ${proxyPort}.`,
        });
      }
    }
    return out;
  },
};
