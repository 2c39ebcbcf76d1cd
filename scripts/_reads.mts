import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fieldReads } from '../src/cluster/_fields.ts';
import { buildFromTexts } from '../src/api/index.ts';
const seen = new Map<string, string>();
fieldReads.record = (kind, path, type) => {
  const key = `${kind} ${path.map((p) => (typeof p === 'number' ? '*' : p)).join('.')}`;
  seen.set(key, type);
};
const files: string[] = [];
const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); const s = statSync(p, { throwIfNoEntry: false }); if (!s) continue; if (s.isDirectory()) walk(p); else if (/\.ya?ml$/.test(n)) files.push(p); } };
walk('examples'); walk('testdata');
for (const f of files) { try { buildFromTexts([{ file: f, text: readFileSync(f, 'utf8') }]); } catch {} }
console.log(seen.size);
const kinds = new Map<string, number>(); for (const k of seen.keys()) { const kk = k.split(' ')[0]; kinds.set(kk, (kinds.get(kk) ?? 0) + 1); }
console.log([...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}:${n}`).join(' '));
for (const [k, t] of [...seen].sort()) console.log(`${k} ${t}`);
