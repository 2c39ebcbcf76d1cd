/**
 * Cluster DNS inside the lab: kubetwin's DNS server answering from the model on sockets bound inside each
 * endpoint pod of the cluster DNS Service (handed over by BINDER), so a lookup from a pod goes to the `kube-dns`
 * ClusterIP, through kube-proxy's DNAT and the policy chains, to a real DNS server. And lookups by the real C
 * library resolver inside pod namespaces.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { Socket } from 'node:dgram';
import { createDns } from '../../analysis/dns/index.ts';
import { startDnsServer, type RunningDnsServer } from '../../servers/dns-server/index.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { LabPlan, LabPod, LabPort } from '../plan/index.ts';
import { BINDER } from './_scripts.ts';
import type { Probers } from './_probers.ts';

/** Binds `ports` inside `pod`'s namespace and takes the sockets (a short-lived BINDER hands them over). */
function bindIn(pod: LabPod, ports: readonly LabPort[]): Promise<Map<string, Socket | Server>> {
  return new Promise((resolve, reject) => {
    const got = new Map<string, Socket | Server>();
    const errors: string[] = [];
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        pod.netns,
        process.execPath,
        '--input-type=module',
        '-e',
        BINDER,
        JSON.stringify({ ref: pod.ref, ports }),
      ],
      { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    child.on('message', (m: { port: LabPort; error?: string }, h?: Socket | Server) => {
      if (m.error || !h) errors.push(`${m.port.port}/${m.port.protocol}: ${m.error ?? 'no handle'}`);
      else got.set(`${m.port.port}/${m.port.protocol}`, h);
    });
    child.on('error', reject);
    child.on('exit', () =>
      errors.length ? reject(new Error(`DNS in ${pod.ref}: ${errors.join(', ')}`)) : resolve(got),
    );
  });
}

/**
 * Starts kubetwin's DNS server (answering from `model`) on every DNS port of every pod the plan marks, until
 * `close()`. One server per port (UDP and TCP of the same number share it).
 */
export async function startLabDns(
  model: ClusterModel,
  plan: LabPlan,
): Promise<{ servers: number; close(): Promise<void> }> {
  const running: RunningDnsServer[] = [];
  const answerer = createDns(model);
  try {
    for (const pod of plan.pods) {
      if (!pod.dns.length) continue;
      const handles = await bindIn(pod, pod.dns);
      for (const port of new Set(pod.dns.map((d) => d.port))) {
        const udp = handles.get(`${port}/UDP`) as Socket | undefined;
        // A DNS port declared for one protocol only: the other side is a server that never listens.
        const tcp = (handles.get(`${port}/TCP`) as Server | undefined) ?? createServer();
        if (!udp) {
          tcp.close();
          continue;
        }
        running.push(await startDnsServer({ answerer, sockets: { udp, tcp, port }, compactAfterMisses: 0 }));
      }
    }
  } catch (e) {
    await Promise.all(running.map((s) => s.close()));
    throw e;
  }
  return {
    servers: running.length,
    close: async () => void (await Promise.all(running.map((s) => s.close()))),
  };
}

/**
 * `getent ahostsv4 NAME` inside a pod namespace (glibc, the pod's resolv.conf and hosts): stdout, or undefined.
 * With `probers`, the namespace's long-lived prober runs it (no `ip netns exec` per lookup).
 */
export async function getent(
  netns: string,
  name: string,
  timeoutMs = 20_000,
  probers?: Probers,
): Promise<string | undefined> {
  if (probers) {
    const [[outcome, out]] = await probers.probe(netns, [[name, 0, 'getent']], timeoutMs);
    return outcome === 'open' ? (out ?? '') : undefined;
  }
  return new Promise((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', netns, 'getent', 'ahostsv4', name],
      { timeout: timeoutMs },
      (err, stdout) => resolve(err ? undefined : stdout),
    );
  });
}
