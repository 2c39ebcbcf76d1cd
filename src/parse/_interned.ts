/**
 * The text of `text[start, end)` as a string made once per distinct text: keys and plain scalars repeat across
 * documents (`apiVersion`, `metadata`, `TCP`, label values), and a slice per occurrence was a third of the
 * reader's allocations. A direct-mapped table by hash, checked against the text before reuse (a collision
 * replaces the entry); the string is equal to the slice either way.
 */
export function interned(text: string, start: number, end: number): string {
  const length = end - start;
  if (length > maxInterned) return text.slice(start, end);
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  const slot = (h >>> 0) & (internSlots - 1);
  const known = internTable[slot];
  if (known !== undefined && known.length === length && text.startsWith(known, start)) return known;
  return (internTable[slot] = text.slice(start, end));
}

const maxInterned = 64;
const internSlots = 1 << 14;
const internTable: (string | undefined)[] = new Array<string | undefined>(internSlots).fill(undefined);
