// Minimal typing of what bench/route.ts uses from autocannon (it ships no types).
declare module 'autocannon' {
  namespace autocannon {
    interface Result {
      requests: { average: number };
      latency: { p99: number };
      non2xx: number;
    }
  }
  function autocannon(opts: {
    url: string;
    connections: number;
    pipelining: number;
    duration: number;
    headers?: Record<string, string>;
  }): Promise<autocannon.Result>;
  export default autocannon;
}
