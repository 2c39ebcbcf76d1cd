/** A small DNS client over dns-packet for the server tests (UDP and TCP, loopback only, bounded waits). */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as packet from 'dns-packet';

export type Reply = packet.Packet & { rcode?: string };

export function query(
  name: string,
  type: string,
  opts: { edns?: number; id?: number; rd?: boolean; cd?: boolean } = {},
): Buffer {
  return packet.encode({
    type: 'query',
    id: opts.id ?? 4242,
    flags: (opts.rd === false ? 0 : packet.RECURSION_DESIRED) | (opts.cd ? packet.CHECKING_DISABLED : 0),
    questions: [{ type: type as packet.RecordType, name, class: 'IN' }],
    additionals: opts.edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: opts.edns,
            flags: 0,
            options: [],
          } as unknown as packet.Answer,
        ]
      : [],
  });
}

/** Sends one UDP datagram; resolves with the reply, or undefined after `timeoutMs`. */
export function udp(port: number, msg: Buffer, timeoutMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m);
    });
    s.send(msg, port, '127.0.0.1');
  });
}

/** Sends length-framed messages over one TCP connection (in the given chunks) and collects `expect` replies. */
export function tcp(
  port: number,
  chunks: readonly Buffer[],
  expect: number,
  timeoutMs = 2000,
): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const replies: Buffer[] = [];
    let pending = Buffer.alloc(0);
    const sock = connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(replies);
    };
    const timer = setTimeout(done, timeoutMs);
    sock.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        replies.push(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        pending = pending.subarray(2 + pending.readUInt16BE(0));
      }
      if (replies.length >= expect) done();
    });
    sock.on('error', done);
    sock.on('connect', () => chunks.forEach((c) => sock.write(c)));
  });
}

export function frame(msg: Buffer): Buffer {
  const b = Buffer.alloc(2 + msg.length);
  b.writeUInt16BE(msg.length, 0);
  msg.copy(b, 2);
  return b;
}

export const decode = (b: Buffer): Reply => packet.decode(b) as Reply;
