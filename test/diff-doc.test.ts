/**
 * docs/diff.md's CI recipes run as written: every `kubetwin diff` line of its GitHub Actions and GitLab blocks is
 * extracted from the page and run (in process, `npx kubetwin` being the CLI) in a git repository made here: an
 * `origin` whose main branch holds the e-commerce example as documented, cloned, with the fixed variant checked in
 * on a pull-request branch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../src/cli/_test-run.ts';

const doc = readFileSync('docs/diff.md', 'utf8');
const example = resolve('examples/e-commerce');

/** The `kubetwin diff` command lines inside the doc's yaml blocks, as written. */
function commandLines(): string[] {
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) =>
    b
      .split('\n')
      .filter((l) => l.includes('npx kubetwin diff'))
      .map((l) => l.replace(/^\s*-\s*(run:\s*)?/, '').trim()),
  );
}

/** Shell words of a line with `$VAR`/`${VAR}` expanded, the redirect split off. */
function words(line: string, env: Record<string, string>): { argv: string[]; out?: string } {
  const expanded = line.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => env[a ?? b] ?? '');
  const [cmd, out] = expanded.split(/\s>\s/);
  const argv = [...cmd.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
  assert.deepEqual(argv.slice(0, 2), ['npx', 'kubetwin']);
  return { argv: argv.slice(2), out: out?.trim() };
}

test('docs/diff.md: the CI recipes run as written on a temporary git repository', async () => {
  const lines = commandLines();
  assert.ok(lines.length >= 3, `found the command lines: ${lines.join(' | ')}`);
  const tmp = mkdtempSync(join(tmpdir(), 'kubetwin-diff-'));
  const here = process.cwd();
  const git = (cwd: string, ...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args],
      {
        cwd,
        stdio: 'pipe',
      },
    );
  try {
    const origin = join(tmp, 'origin');
    git(tmp, 'init', '-q', origin);
    cpSync(join(example, 'as-documented'), join(origin, 'k8s'), { recursive: true });
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'as documented');
    const work = join(tmp, 'work');
    git(tmp, 'clone', '-q', origin, work);
    git(work, 'checkout', '-qb', 'fix-policies');
    rmSync(join(work, 'k8s'), { recursive: true });
    cpSync(join(example, 'fixed'), join(work, 'k8s'), { recursive: true });
    git(work, 'add', '-A');
    git(work, 'commit', '-qm', 'fix policies');
    process.chdir(work);
    for (const line of lines) {
      const { argv, out } = words(line, { BASE_REF: 'main' });
      const r = await runCli(argv);
      assert.equal(r.code, 0, `${line}\n${r.stderr}`);
      if (out === 'network-diff.md') {
        assert.match(r.stdout, /^### kubetwin diff — git:origin\/main → k8s/);
        assert.match(r.stdout, /ClusterIssuer\/letsencrypt-prod/);
        assert.match(r.stdout, /```mermaid/);
      }
    }
    // The failing gate is real: the reverse change (a pull request undoing the fix) fails the second line.
    rmSync(join(origin, 'k8s'), { recursive: true });
    cpSync(join(example, 'fixed'), join(origin, 'k8s'), { recursive: true });
    git(origin, 'add', '-A');
    git(origin, 'commit', '-qm', 'fixed');
    git(work, 'fetch', '-q', 'origin');
    rmSync(join(work, 'k8s'), { recursive: true });
    cpSync(join(example, 'as-documented'), join(work, 'k8s'), { recursive: true });
    const gate = lines.find((l) => l.includes('-q > /dev/null'))!;
    assert.equal((await runCli(words(gate, { BASE_REF: 'main' }).argv)).code, 1);
  } finally {
    process.chdir(here);
    rmSync(tmp, { recursive: true, force: true });
  }
});
