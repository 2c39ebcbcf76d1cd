import { spawn, type ChildProcess } from 'node:child_process';
import { PROBER } from './_scripts.ts';

export type Outcome = [string, string?];

interface Agent {
  readonly child: ChildProcess;
  readonly pending: Map<number, { resolve: (r: Outcome[]) => void; reject: (e: Error) => void }>;
}

/**
 * One prober process per source namespace, started on first use and kept until `close()`, so that a lab probed
 * again (policies reloaded, another scenario) pays no process start.
 */
export class Probers {
  readonly #agents = new Map<string, Agent>();
  #id = 0;

  probe(
    netns: string,
    targets: readonly [string, number, string][],
    timeout: number,
    concurrency = 256,
  ): Promise<Outcome[]> {
    const agent = this.#agent(netns);
    const id = ++this.#id;
    return new Promise((resolve, reject) => {
      agent.pending.set(id, { resolve, reject });
      agent.child.stdin!.write(JSON.stringify({ id, targets, timeout, concurrency }) + '\n');
    });
  }

  #agent(netns: string): Agent {
    const known = this.#agents.get(netns);
    if (known) return known;
    const child = spawn(
      'ip',
      ['netns', 'exec', netns, process.execPath, '--input-type=module', '-e', PROBER],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const agent: Agent = { child, pending: new Map() };
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as { id: number; results: Outcome[] };
        buf = buf.slice(nl + 1);
        agent.pending.get(msg.id)?.resolve(msg.results);
        agent.pending.delete(msg.id);
      }
    });
    const fail = (why: string) => {
      for (const p of agent.pending.values()) p.reject(new Error(`prober in ${netns}: ${why}`));
      agent.pending.clear();
    };
    child.on('exit', (code) => fail(`exited (${code})`));
    child.on('error', (e) => fail(e.message));
    this.#agents.set(netns, agent);
    return agent;
  }

  /** Ends the prober of one namespace. */
  closeOne(netns: string): void {
    const a = this.#agents.get(netns);
    if (!a) return;
    a.child.stdin!.end();
    this.#agents.delete(netns);
  }

  /** Ends every prober (stdin closed; they exit when idle). */
  close(): void {
    for (const a of this.#agents.values()) {
      a.child.stdin!.end();
      a.child.kill('SIGTERM');
    }
    this.#agents.clear();
  }
}
