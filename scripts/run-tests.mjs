// Runs every *.test.ts under src/, test/ and bench/ with node's own test runner (Node 20 has no glob for --test).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = [...find('src', []), ...find('test', [])];
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
const reporter = process.env.CI ? ['--test-reporter=spec'] : [];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporter, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
