/**
 * Addresses written in configuration text: URLs with any scheme (`http://cart:8080/x`, `redis://:pw@cache:6379/0`,
 * `mongodb://a:27017,b:27017/db`), JDBC URLs (`jdbc:postgresql://db:5432/x`, Oracle's `jdbc:oracle:thin:@db:1521:X`),
 * `host:port`, and bare host names (`cart`, `cart.shop`, `cart.shop.svc.cluster.local`). Pure string work: which of
 * them name a Service is decided by the caller.
 */

export interface Address {
  readonly host: string;
  readonly port?: number;
  /** The URL scheme, lower case, `jdbc:` dropped (`postgresql`, `redis`, `http`). */
  readonly scheme?: string;
  /** The text the address was read from (a URL or a token). */
  readonly text: string;
}

/**
 * Well-known default ports of URL schemes, as each client library applies them when the URL gives none
 * (IANA service names registry; MongoDB, Redis, AMQP and PostgreSQL connection-string documentation).
 */
export const schemePorts: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  grpc: 443,
  redis: 6379,
  rediss: 6379,
  amqp: 5672,
  amqps: 5671,
  mongodb: 27017,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  sqlserver: 1433,
  nats: 4222,
  kafka: 9092,
  memcached: 11211,
  ldap: 389,
  ldaps: 636,
  smtp: 25,
  ftp: 21,
};

const hostPattern = /^([a-z0-9]([a-z0-9_-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/;

function hostPort(text: string): { host: string; port?: number } | undefined {
  const m = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const host = m[1].toLowerCase().replace(/\.$/, '');
  const port = m[2] ? Number(m[2]) : undefined;
  if (!hostPattern.test(host) || /^[0-9.]+$/.test(host)) return undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return port === undefined ? { host } : { host, port };
}

/**
 * A URL: scheme, authority, then the rest up to a blank, a quote, or a comma that starts another URL — a list of
 * URLs joined by commas (Calico's stars probe `--urls=http://frontend.stars:80/status,http://backend.stars:6379/…`)
 * is as many URLs (RFC 3986 allows a comma in a path, so only a comma followed by `scheme://` ends one).
 */
const urlPattern =
  /([a-z][a-z0-9+.-]*):\/\/([^\s/?#"'`;,]*(?:,[^\s/?#"'`;,:]+(?::\d{1,5})?(?=[\s/?#"'`;,]|$))*)(?:(?!,[a-z][a-z0-9+.-]*:\/\/)[^\s"'`])*/gi;
const oraclePattern = /jdbc:oracle:[a-z]+:@(?:\/\/)?([a-z0-9.-]+):(\d{1,5})/gi;

/** Every address in `value`, URLs first, then the tokens left over, in the order written. */
export function findAddresses(value: string): Address[] {
  const out: Address[] = [];
  let rest = value.replace(oraclePattern, (m, host: string, port: string) => {
    const hp = hostPort(`${host}:${port}`);
    if (hp) out.push({ ...hp, scheme: 'oracle', text: m });
    return ' ';
  });
  rest = rest.replace(urlPattern, (m, scheme: string, authority: string) => {
    const s = scheme.toLowerCase().replace(/^jdbc:/, '');
    const hosts = authority.slice(authority.lastIndexOf('@') + 1);
    for (const h of hosts.split(',')) {
      const hp = hostPort(h);
      if (hp) out.push({ ...hp, scheme: s, text: m });
    }
    return ' ';
  });
  for (const token of rest.split(/[\s,;"'`=()[\]{}<>|]+/)) {
    const hp = hostPort(token.slice(token.lastIndexOf('@') + 1));
    if (hp) out.push({ ...hp, text: token });
  }
  return out;
}
