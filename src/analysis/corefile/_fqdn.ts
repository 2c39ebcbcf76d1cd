/** A zone or name in canonical form: lowercase, one trailing dot (`.` is the root). */
export function fqdn(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}
