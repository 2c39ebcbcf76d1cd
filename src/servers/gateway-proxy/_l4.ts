/**
 * `serve gateway` for a Gateway's Layer-4 listeners: TCP (TCPRoute) and TLS passthrough (TLSRoute, chosen by the
 * ClientHello's SNI, the encrypted stream forwarded unchanged), on real sockets. Each connection is routed as
 * `route tcp://…` / `route tls://…` routes it, then piped to the loopback upstream mapped for the chosen Service.
 */
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { unknownLines, type Router } from '../../analysis/route/index.ts';
import type { DecisionBackend } from '../../model/routing.ts';
import { readSni } from './_sni.ts';

export interface L4ListenOptions {
  readonly router: () => Router;
  /** `ns/name[:port]` → loopback `host:port`. */
  readonly upstreams: ReadonlyMap<string, URL>;
  readonly listen: { host: string; port: number };
  /** The model listener port connections are routed as, and its protocol. */
  readonly modelPort: number;
  readonly protocol: 'tcp' | 'tls';
  /** Called with a line per refused connection (why). */
  readonly log?: (line: string) => void;
  /** Weighted pick in [0,1); default Math.random. */
  readonly random?: () => number;
}

/** Picks one usable backend by weight, as the data plane spreads connections. */
export function pickBackend(backends: readonly DecisionBackend[], r: number): DecisionBackend | undefined {
  const usable = backends.filter((b) => !b.problem && b.weight > 0);
  const total = usable.reduce((s, b) => s + b.weight, 0);
  let x = r * total;
  for (const b of usable) if ((x -= b.weight) < 0) return b;
  return usable[usable.length - 1];
}

export async function startL4Listener(
  o: L4ListenOptions,
): Promise<{ address: AddressInfo; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.setTimeout(60_000, () => client.destroy());
    if (o.protocol === 'tcp') return forward(client, undefined, Buffer.alloc(0));
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const sni = readSni(buf);
      if (sni === 'more' && buf.length < 16_384) return;
      client.off('data', onData);
      client.pause();
      if (sni === 'not-tls' || sni === 'more') {
        o.log?.(`refused: not a TLS ClientHello`);
        return void client.destroy();
      }
      forward(client, sni, buf);
    };
    client.on('data', onData);
  });
  function forward(client: Socket, sni: string | undefined, head: Buffer) {
    // The TCP peer is the client address an Envoy Gateway SecurityPolicy authorizes by (_proxy.ts clientAddressOf).
    const peer = client.remoteAddress?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    const decision = o.router().decideConnection({
      protocol: o.protocol,
      port: o.modelPort,
      ...(sni ? { sni } : {}),
      ...(peer ? { clientAddresses: [peer] } : {}),
    });
    // A SecurityPolicy whose answer is not known may close the connection: it is closed, never forwarded.
    if (decision.undecidedBy) {
      o.log?.(
        `closed ${o.protocol}${sni ? ` SNI ${sni}` : ''} from ${peer ?? 'an unknown peer'}: ${unknownLines(decision.unknown).join('; ')}`,
      );
      return void client.destroy();
    }
    const b = decision.refused ? undefined : pickBackend(decision.backends, (o.random ?? Math.random)());
    const url =
      b &&
      (o.upstreams.get(`${b.namespace}/${b.name}:${b.port}`) ?? o.upstreams.get(`${b.namespace}/${b.name}`));
    if (!b || !url) {
      o.log?.(
        `refused ${o.protocol}${sni ? ` SNI ${sni}` : ''}: ${decision.refused ?? (b ? `no --upstream for ${b.namespace}/${b.name}` : 'no backend')}`,
      );
      return void client.destroy();
    }
    const upstream = connect(Number(url.port), url.hostname.replace(/^\[|\]$/g, ''));
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    upstream.on('connect', () => {
      if (head.length) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('end', () => client.end());
  }
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.listen.port, o.listen.host, () => resolve(server.address() as AddressInfo));
  });
  return {
    address,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
