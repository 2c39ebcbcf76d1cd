/**
 * The SNI host name of a TLS ClientHello, read from the first bytes a client sends, as a passthrough
 * listener must before it can pick a TLSRoute. Returns `undefined` when the record is complete and names no
 * server, `'more'` when more bytes are needed, `'not-tls'` when the bytes are no TLS handshake.
 * Record layout: RFC 8446 §5.1 (TLSPlaintext) and §4.1.2 (ClientHello); server_name: RFC 6066 §3.
 */
export function readSni(buf: Uint8Array): string | undefined | 'more' | 'not-tls' {
  if (buf.length < 5) return 'more';
  if (buf[0] !== 22) return 'not-tls'; // handshake record
  const recordLen = (buf[3] << 8) | buf[4];
  if (buf.length < 5 + recordLen) return 'more';
  let p = 5;
  if (buf[p] !== 1) return 'not-tls'; // client_hello
  const end = Math.min(buf.length, p + 4 + ((buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]));
  p += 4 + 2 + 32; // handshake header, legacy_version, random
  const skip = (lenBytes: number) => {
    if (p + lenBytes > end) return false;
    let n = 0;
    for (let i = 0; i < lenBytes; i++) n = (n << 8) | buf[p + i];
    p += lenBytes + n;
    return p <= end;
  };
  if (!skip(1) || !skip(2) || !skip(1)) return 'not-tls'; // session id, cipher suites, compression methods
  if (p + 2 > end) return undefined; // no extensions
  const extEnd = Math.min(end, p + 2 + ((buf[p] << 8) | buf[p + 1]));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = (buf[p] << 8) | buf[p + 1];
    const len = (buf[p + 2] << 8) | buf[p + 3];
    p += 4;
    if (type === 0 && p + 5 <= extEnd) {
      // server_name_list: list length (2), name type (1, host_name = 0), name length (2), name.
      const nameLen = (buf[p + 3] << 8) | buf[p + 4];
      if (buf[p + 2] !== 0 || p + 5 + nameLen > extEnd) return 'not-tls';
      let name = '';
      for (let i = 0; i < nameLen; i++) name += String.fromCharCode(buf[p + 5 + i]);
      return name.toLowerCase();
    }
    p += len;
  }
  return undefined;
}
