/**
 * HTTP/2 rapid reset (CVE-2023-44487): a client opens streams and resets them at once, so the server works for
 * requests nobody waits for. The gateway (1) tells a session that resets more than `max` streams in a second GOAWAY
 * ENHANCE_YOUR_CALM and closes it, and (2) never forwards a request whose stream the client has already reset: a
 * request is handled only after the rest of the read it came in, a session that reset a stream in the last second
 * has its new requests held `graceMs` more (its RST_STREAM frames come right behind the HEADERS), and the
 * upstream dispatch checks the stream again just before the request is written (see `forward`'s `cancelled`).
 * https://www.cve.org/CVERecord?id=CVE-2023-44487
 */
import { constants as h2, type ServerHttp2Session } from 'node:http2';

/** The parts of an HTTP/2 stream the checks read (node:http2's `Http2Stream`). */
export interface StreamState {
  readonly destroyed?: boolean;
  readonly closed?: boolean;
  readonly aborted?: boolean;
  /** The RST_STREAM code received or sent; 0 (NO_ERROR) while the stream is open. */
  readonly rstCode?: number;
  readonly session?: object;
}

interface Watch {
  /** `Date.now()` of the last stream the client reset; 0: none. */
  lastReset: number;
  /** GOAWAY sent: nothing more of this session is forwarded. */
  told: boolean;
}
const watches = new WeakMap<object, Watch>();

/** Whether the client has cancelled the stream (reset it, or its session is gone or told GOAWAY). */
export function cancelled(stream: StreamState | undefined): boolean {
  if (!stream) return false;
  if (stream.destroyed || stream.closed || stream.aborted || (stream.rstCode ?? 0) !== 0) return true;
  return stream.session ? watches.get(stream.session)?.told === true : false;
}

/**
 * Calls `go` once a new HTTP/2 stream's request may be handled: after the rest of the current read (setImmediate),
 * and for a session that reset a stream in the last second, `graceMs` later still (then after one more read).
 * `go` is not called for a stream cancelled meanwhile.
 */
export function whenSettled(stream: StreamState | undefined, graceMs: number, go: () => void): void {
  setImmediate(() => {
    if (cancelled(stream)) return;
    const w = stream?.session && watches.get(stream.session);
    if (!w || Date.now() - w.lastReset > 1_000) return go();
    setTimeout(() => setImmediate(() => cancelled(stream) || go()), graceMs);
  });
}

/** Watches `session`'s resets: past `max` in a second it gets GOAWAY ENHANCE_YOUR_CALM and is closed. */
export function limitResets(session: ServerHttp2Session, max: number): void {
  const w: Watch = { lastReset: 0, told: false };
  watches.set(session, w);
  let resets = 0;
  let since = Date.now();
  session.on('stream', (stream) => {
    stream.once('close', () => {
      if (stream.rstCode === h2.NGHTTP2_NO_ERROR || session.destroyed || session.closed) return;
      const now = Date.now();
      w.lastReset = now;
      if (now - since > 1_000) {
        since = now;
        resets = 0;
      }
      if (++resets > max) {
        w.told = true;
        // GOAWAY first (destroying at once would drop the frame), then close; destroyed 100 ms later, as the abuser
        // keeps sending frames nghttp2 would otherwise go on parsing.
        session.goaway(h2.NGHTTP2_ENHANCE_YOUR_CALM);
        session.close();
        setTimeout(() => session.destroy(), 100).unref();
      }
    });
  });
}
