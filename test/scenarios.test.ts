/**
 * Golden scenarios: each `testdata/scenarios/<name>/` holds `input/` manifests, a `case.yaml` listing CLI
 * invocations, and `expected/<command>.out` (stdout) and `.err` (stderr, when any). `npm run test:update`
 * rewrites the expected files; reviewers read the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../src/cli/program.ts';

interface Case {
  description: string;
  commands: { name: string; args: string[]; exit?: number; input?: boolean; stdin?: string }[];
}

const root = 'testdata/scenarios';
const update = process.env.KUBETWIN_UPDATE_GOLDENS === '1';
// KUBETWIN_SCENARIOS=a,b limits a run (and an update) to those scenarios.
const only = process.env.KUBETWIN_SCENARIOS?.split(',').filter(Boolean);

for (const name of existsSync(root) ? readdirSync(root).sort() : []) {
  if (only && !only.includes(name)) continue;
  const dir = join(root, name);
  const c = parse(readFileSync(join(dir, 'case.yaml'), 'utf8')) as Case;
  for (const cmd of c.commands) {
    test(`scenario ${name}: ${cmd.name} — ${c.description}`, async () => {
      let out = '';
      let err = '';
      const args = cmd.input === false ? cmd.args : [...cmd.args, '-f', join(dir, 'input')];
      const stdin = cmd.stdin ? readFileSync(join(dir, cmd.stdin), 'utf8') : '';
      const code = await run(args, {
        stdout: (s) => (out += s),
        stderr: (s) => (err += s),
        readStdin: async () => stdin,
      });
      const expectedDir = join(dir, 'expected');
      const outFile = join(expectedDir, `${cmd.name}.out`);
      const errFile = join(expectedDir, `${cmd.name}.err`);
      if (update) {
        mkdirSync(expectedDir, { recursive: true });
        writeFileSync(outFile, out);
        if (err) writeFileSync(errFile, err);
        else rmSync(errFile, { force: true });
        return;
      }
      assert.equal(code, cmd.exit ?? 0, `exit code of kubetwin ${args.join(' ')}\nstderr:\n${err}`);
      assert.equal(out, readFileSync(outFile, 'utf8'), `stdout of kubetwin ${args.join(' ')}`);
      assert.equal(
        err,
        existsSync(errFile) ? readFileSync(errFile, 'utf8') : '',
        `stderr of kubetwin ${args.join(' ')}`,
      );
    });
  }
}
