/**
 * Lab apply: builds a `LabPlan` with `ip` and `nft` (child processes, no shell), serves every declared container
 * port from inside the pod namespaces, probes, and tears everything down. The I/O rim of `src/lab`.
 * Isolation: every command names a lab namespace; nothing is created in the host namespace.
 */
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { LabPlan } from '../plan/index.ts';
import { pool, run, runCommands, spawnDetached, tryRun } from './_run.ts';
import { BINDER, DAEMON } from './_scripts.ts';
import { Probers } from './_probers.ts';

export { Probers } from './_probers.ts';

export { run, tryRun } from './_run.ts';

/** Where the lab keeps its state (responder pid, plan summary): tmpfs, gone after a reboot like the namespaces. */
export const STATE_DIR = '/run/kubetwin-lab';

const stateFile = (prefix: string) => `${STATE_DIR}/${prefix}state.json`;

/** Where `ip netns exec NS` finds the files it bind-mounts over /etc in NS (resolv.conf, hosts, nsswitch.conf). */
export const NETNS_ETC = '/etc/netns';

/** Lab folders under /etc/netns (named like the lab's namespaces). */
function etcDirs(prefix: string): string[] {
  try {
    return readdirSync(NETNS_ETC)
      .filter((n) => n.startsWith(prefix))
      .sort();
  } catch {
    return [];
  }
}

export interface LabState {
  readonly prefix: string;
  readonly pid?: number;
  readonly spec?: string;
  readonly served?: number;
  readonly errors?: readonly string[];
}

/**
 * Why the lab cannot run here, or undefined: it needs CAP_NET_ADMIN (root), `ip` with netns support and `nft`.
 */
export async function preflight(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'kubetwin lab needs Linux network namespaces';
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const capEff = /CapEff:\s*([0-9a-f]+)/.exec(status)?.[1];
  const netAdmin = capEff ? (BigInt(`0x${capEff}`) >> 12n) & 1n : 0n;
  if (process.getuid?.() !== 0 && netAdmin !== 1n)
    return 'kubetwin lab needs root or CAP_NET_ADMIN (it creates network namespaces and nftables rules)';
  if ((await tryRun(['ip', '-V'])) === undefined)
    return 'kubetwin lab needs iproute2 (`ip`): apt-get install iproute2';
  if ((await tryRun(['ip', 'netns', 'list'])) === undefined) return '`ip netns` does not work here';
  if ((await tryRun(['nft', '--version'])) === undefined)
    return 'kubetwin lab needs nftables (`nft`): apt-get install nftables';
  if ((await tryRun(['sysctl', '-n', 'kernel.ostype'])) === undefined)
    return 'kubetwin lab needs sysctl (procps): apt-get install procps';
  return undefined;
}

/** Lab namespaces that exist now (names starting with the prefix). */
export async function labNamespaces(prefix: string): Promise<string[]> {
  const out = (await tryRun(['ip', 'netns', 'list'])) ?? '';
  return out
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(prefix))
    .sort();
}

/** Everything with the prefix in the host namespace and in the namespace list: what teardown must leave empty. */
export async function labInventory(
  prefix: string,
): Promise<{ netns: string[]; hostLinks: string[]; hostTables: string[]; etc: string[] }> {
  const links = ((await tryRun(['ip', '-o', 'link', 'show'])) ?? '')
    .split('\n')
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? '')
    .filter((n) => n.startsWith(prefix));
  const tables = ((await tryRun(['nft', 'list', 'tables'])) ?? '')
    .split('\n')
    .map((l) => l.trim().split(' ').pop() ?? '')
    .filter((n) => n.startsWith(prefix));
  return {
    netns: await labNamespaces(prefix),
    hostLinks: links,
    hostTables: tables,
    etc: etcDirs(prefix).map((d) => `${NETNS_ETC}/${d}`),
  };
}

export interface UpResult {
  readonly namespaces: number;
  readonly commands: number;
  readonly served: number;
  readonly errors: readonly string[];
  readonly ms: number;
}

/**
 * Builds the plan: namespaces, links, routes, nft scripts, then the responder daemon (waits until every port
 * is served). On any failure everything already made is torn down and the error rethrown.
 */
export async function labUp(plan: LabPlan, options: { parallel?: number } = {}): Promise<UpResult> {
  const t0 = Date.now();
  const existing = await labNamespaces(plan.prefix);
  if (existing.length)
    throw new Error(
      `a lab with prefix ${plan.prefix} is already up (${existing.length} namespaces): run \`kubetwin lab down\` first`,
    );
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(stateFile(plan.prefix), JSON.stringify({ prefix: plan.prefix } satisfies LabState));
  try {
    await run(['ip', '-batch', '-'], plan.namespaces.map((n) => `netns add ${n}`).join('\n') + '\n');
    await runCommands(plan.commands);
    for (const n of plan.nft) await run(['ip', 'netns', 'exec', n.netns, 'nft', '-f', '-'], n.script);
    for (const f of plan.etc) {
      mkdirSync(`${NETNS_ETC}/${f.netns}`, { recursive: true });
      writeFileSync(`${NETNS_ETC}/${f.netns}/${f.file}`, f.content);
    }
    const spec = `${STATE_DIR}/${plan.prefix}responder.json`;
    const ready = `${STATE_DIR}/${plan.prefix}ready.json`;
    rmSync(ready, { force: true });
    const parallel = options.parallel ?? Math.max(2, cpus().length * 2);
    const pods = plan.pods
      .filter((p) => p.serve.length)
      .map((p) => ({ netns: p.netns, ref: p.ref, ports: p.serve }));
    writeFileSync(spec, JSON.stringify({ pods, ready, parallel, binder: BINDER }));
    const log = openSync(`${STATE_DIR}/${plan.prefix}responder.log`, 'w');
    const pid = spawnDetached([process.execPath, '--input-type=module', '-e', DAEMON, spec], log);
    writeFileSync(
      stateFile(plan.prefix),
      JSON.stringify({ prefix: plan.prefix, pid, spec } satisfies LabState),
    );
    const deadline = Date.now() + 180_000;
    while (!existsSync(ready)) {
      if (Date.now() > deadline || !alive(pid))
        throw new Error(`the responder daemon did not start (see ${STATE_DIR}/${plan.prefix}responder.log)`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const summary = JSON.parse(readFileSync(ready, 'utf8')) as { served: number; errors: string[] };
    writeFileSync(
      stateFile(plan.prefix),
      JSON.stringify({ prefix: plan.prefix, pid, spec, ...summary } satisfies LabState),
    );
    return {
      namespaces: plan.namespaces.length,
      commands: plan.commands.length,
      served: summary.served,
      errors: summary.errors,
      ms: Date.now() - t0,
    };
  } catch (e) {
    await labDown(plan.prefix);
    throw e;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The state `lab up` left, or undefined. */
export function labState(prefix: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(prefix), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/**
 * Removes everything with the prefix: stops the responder daemon this lab started (checked by its command line),
 * deletes every namespace whose name starts with the prefix (their links, routes and nft tables go with them),
 * removes their /etc/netns folders and the state files. Idempotent. Returns what it removed.
 */
export async function labDown(prefix: string): Promise<{ namespaces: string[]; daemon: boolean }> {
  const state = labState(prefix);
  let daemon = false;
  if (state?.pid && state.spec) {
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${state.pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (cmdline.includes(state.spec)) {
      process.kill(state.pid, 'SIGTERM');
      daemon = true;
    }
  }
  const namespaces = await labNamespaces(prefix);
  if (namespaces.length)
    await tryRun(['ip', '-force', '-batch', '-'], namespaces.map((n) => `netns del ${n}`).join('\n') + '\n');
  for (const d of etcDirs(prefix)) rmSync(`${NETNS_ETC}/${d}`, { recursive: true, force: true });
  for (const f of ['state.json', 'responder.json', 'ready.json', 'responder.log'])
    rmSync(`${STATE_DIR}/${prefix}${f}`, { force: true });
  return { namespaces, daemon };
}

export type ProbeOutcome = 'open' | 'refused' | 'rejected' | 'timeout' | `error:${string}`;

/** How a target is tried: see PROBER in _scripts.ts. Default: `tcp` for TCP, `udp` for UDP. */
export type ProbeKind = 'tcp' | 'udp' | 'http' | 'connect';

export interface ProbeTarget {
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly kind?: ProbeKind;
}

/**
 * Real connection attempts from each source namespace to its targets, `parallel` sources at a time, every target
 * of a source at once. With `probers`, their long-lived prober processes are used (and kept) and every source is
 * tried at once unless `parallel` says otherwise (no process start to pace, and a source waiting out a timeout
 * holds no slot others need); otherwise one is started per source and ended afterwards, twice the CPU count at a
 * time. Results in input order.
 */
export async function probeFrom(
  sources: readonly { netns: string; targets: readonly ProbeTarget[] }[],
  options: { timeoutMs?: number; parallel?: number; concurrency?: number; probers?: Probers } = {},
): Promise<{ outcome: ProbeOutcome; answeredBy?: string }[][]> {
  const timeout = options.timeoutMs ?? 1500;
  const probers = options.probers ?? new Probers();
  try {
    const parallel = options.parallel ?? (options.probers ? sources.length : Math.max(2, cpus().length * 2));
    return await pool(sources, parallel, async (s) => {
      if (!s.targets.length) return [];
      const targets = s.targets.map((t): [string, number, string] => [
        t.ip,
        t.port,
        t.kind ?? (t.protocol === 'TCP' ? 'tcp' : 'udp'),
      ]);
      const out = await probers.probe(s.netns, targets, timeout, options.concurrency);
      if (!options.probers) probers.closeOne(s.netns);
      return out.map(([outcome, answeredBy]) => ({
        outcome: outcome as ProbeOutcome,
        answeredBy: answeredBy || undefined,
      }));
    });
  } finally {
    if (!options.probers) probers.close();
  }
}

/**
 * Replaces the nft tables of every node namespace with the plan's (atomically per namespace: one `nft -f` deletes
 * and recreates them), for a lab whose namespaces, links and addresses already match the plan: a policy change.
 */
export async function labReload(plan: LabPlan): Promise<void> {
  for (const n of plan.nft) {
    const drop = [`${plan.prefix}kube-proxy`, `${plan.prefix}policy`]
      .map((t) => `table ip ${t} {}\ndelete table ip ${t}\n`)
      .join('');
    await run(['ip', 'netns', 'exec', n.netns, 'nft', '-f', '-'], drop + n.script);
    // Connections tracked under the previous rules would pass the new ones as `ct state established`: a UDP
    // exchange the old policies allowed stays "established" for 30 s and more. Forget them all.
    await run(['ip', 'netns', 'exec', n.netns, 'conntrack', '-F']).catch(async () => {
      throw new Error(
        'lab reload needs the conntrack tool (Debian package conntrack) to forget tracked connections',
      );
    });
  }
}
