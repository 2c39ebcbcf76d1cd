/**
 * Reads manifest paths as they are at a git ref (`--base git:REF`), through `git ls-tree` (one per path given) and
 * one `git cat-file --batch` process for every file's contents: no checkout, the working tree is untouched. Files are named `REF:path` so locations say which side they are on.
 * Directories are read recursively, hidden entries skipped, `.yaml`/`.yml`/`.json` only, in sorted order — as the
 * file source walks them. Helm charts and Kustomize folders are not rendered at a ref (a diagnostic says so).
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { LoadedInputs } from './files.ts';

const run = promisify(execFile);
const manifest = /\.(ya?ml|json)$/i;

async function git(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await run('git', [...args], { cwd, maxBuffer: 1 << 30, encoding: 'utf8' });
  return stdout;
}

function problem(path: string, message: string, hint: string): Diagnostic {
  return {
    code: 'input-not-found',
    severity: 'error',
    message,
    source: { file: path, doc: 0, line: 0, column: 0 },
    hint,
  };
}

/** The manifest texts of `paths` (files or directories, relative to `cwd`) at `ref`. */
export async function loadInputsAtRef(
  ref: string,
  paths: readonly string[],
  cwd = process.cwd(),
): Promise<LoadedInputs> {
  const diagnostics: Diagnostic[] = [];
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  } catch {
    return {
      texts: [],
      diagnostics: [
        problem(
          `git:${ref}`,
          `git:${ref}: not a commit in the repository at ${cwd}`,
          'Fetch the ref first (actions/checkout with fetch-depth: 0, or git fetch origin REF).',
        ),
      ],
    };
  }
  const texts: LoadedInputs['texts'] = [];
  const seen = new Set<string>();
  const files: string[] = [];
  for (const path of paths) {
    // -z: names as they are (without it git quotes a name holding non-ASCII bytes, a quote or a newline).
    const listed = (await git(['ls-tree', '-r', '-z', '--name-only', ref, '--', path], cwd))
      .split('\0')
      .filter(Boolean);
    if (!listed.length) {
      diagnostics.push(
        problem(
          path,
          `${path}: no such file or directory at ${ref}`,
          'Check the -f path (it is read at the ref, relative to the current directory).',
        ),
      );
      continue;
    }
    const names = listed
      .filter((f) => manifest.test(f) && !f.split('/').some((seg) => seg.startsWith('.')))
      .sort();
    if (names.some((f) => /(^|\/)(Chart\.yaml|kustomization\.ya?ml)$/.test(f)))
      diagnostics.push({
        code: 'input-not-rendered',
        severity: 'warning',
        message: `${path} at ${ref} holds a Helm chart or Kustomize folder: git bases are read as plain manifests, not rendered`,
        source: { file: path, doc: 0, line: 0, column: 0 },
        hint: 'Render both sides to plain YAML first (helm template, kustomize build) and diff those files.',
      });
    for (const f of names) {
      if (seen.has(f)) continue;
      seen.add(f);
      files.push(f);
    }
  }
  const contents = await catFiles(
    files.map((f) => `${ref}:./${f}`),
    cwd,
  );
  files.forEach((f, i) => texts.push({ file: `${ref}:${f}`, text: contents[i] }));
  return { texts, diagnostics };
}

/**
 * The contents of `objects` (`REF:./path`, relative to `cwd`) through one `git cat-file --batch`: each name on a
 * line of its input, each answer `<oid> <type> <size>` then that many bytes and a newline
 * (https://git-scm.com/docs/git-cat-file#_batch_output). Names listed by `ls-tree` exist; a name holding a
 * newline cannot be asked on a line, so it is read by `git show` alone.
 */
export async function catFiles(objects: readonly string[], cwd: string): Promise<string[]> {
  const batched = objects.filter((o) => !o.includes('\n'));
  const out = new Map<string, string>();
  if (batched.length) {
    const answers = await batch(batched, cwd);
    batched.forEach((o, i) => out.set(o, answers[i]));
  }
  for (const o of objects) if (!out.has(o)) out.set(o, await git(['show', o], cwd));
  return objects.map((o) => out.get(o)!);
}

function batch(objects: readonly string[], cwd: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => errors.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`git cat-file --batch: ${Buffer.concat(errors).toString('utf8').trim()}`));
      const all = Buffer.concat(chunks);
      const texts: string[] = [];
      let at = 0;
      for (const name of objects) {
        const eol = all.indexOf(0x0a, at);
        const header = all.subarray(at, eol).toString('utf8');
        const size = /^[0-9a-f]+ blob (\d+)$/.exec(header);
        if (!size) return reject(new Error(`git cat-file --batch: ${name}: ${header}`));
        const start = eol + 1;
        const end = start + Number(size[1]);
        texts.push(all.subarray(start, end).toString('utf8'));
        at = end + 1;
      }
      resolve(texts);
    });
    child.stdin.end(objects.map((o) => `${o}\n`).join(''));
  });
}
