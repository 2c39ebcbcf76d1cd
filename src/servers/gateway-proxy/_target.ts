/**
 * The request target of an origin-form request (`/path?query`) split into the path a router matches and the
 * query. Targets made only of characters the WHATWG URL parser leaves as they are, without dot segments, take
 * a fast path that allocates no URL; anything else (dot segments, `%2e`, `#`, spaces, non-ASCII, `\`) goes
 * through `new URL`, so both paths give the same answer; `\` is kept (as `%5C`), not turned into `/`. https://url.spec.whatwg.org/#concept-basic-url-parser
 */
export interface Target {
  readonly path: string;
  /** `?…` as sent upstream, or empty. */
  readonly search: string;
  readonly query: readonly (readonly [string, string])[];
}

const plain = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*)?$/;
const dotSegment = /\/(?:\.|%2e){1,2}(?:[/?]|$)/i;
const none: readonly (readonly [string, string])[] = [];

export function parseTarget(target: string): Target {
  if (plain.test(target) && !dotSegment.test(target)) {
    const q = target.indexOf('?');
    if (q < 0) return { path: target, search: '', query: none };
    const search = target.length > q + 1 ? target.slice(q) : '';
    return {
      path: target.slice(0, q),
      search,
      query: search ? [...new URLSearchParams(search).entries()] : none,
    };
  }
  // Concatenated, not resolved: `//a/b` is a path here, not a scheme-relative URL. The WHATWG parser reads `\` as
  // `/` in http URLs, which no controller does (nginx and Envoy keep it a path character): it stays, encoded.
  const u = new URL(`http://x${target.includes('\\') ? target.replace(/\\/g, '%5C') : target}`);
  return { path: u.pathname, search: u.search, query: [...u.searchParams.entries()] };
}
