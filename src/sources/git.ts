/**
 * Reads manifest paths as they are at a git ref (`--base git:REF`), through `git ls-tree` and `git show`: no
 * checkout, the working tree is untouched. Files are named `REF:path` so locations say which side they are on.
 * Directories are read recursively, hidden entries skipped, `.yaml`/`.yml`/`.json` only, in sorted order — as the
 * file source walks them. Helm charts and Kustomize folders are not rendered at a ref (a diagnostic says so).
 */
import { execFile } from 'node:child_process';
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
  for (const path of paths) {
    const listed = (await git(['ls-tree', '-r', '--name-only', ref, '--', path], cwd))
      .split('\n')
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
      texts.push({ file: `${ref}:${f}`, text: await git(['show', `${ref}:./${f}`], cwd) });
    }
  }
  return { texts, diagnostics };
}
