/**
 * Builds the DNS data of `serve dns` in a child process (this CLI, `serve dns --emit-data`), so the server keeps
 * only the DNS index: the model build's memory peak ends with the child. Diagnostics reach stderr from the child.
 */
import { spawn } from 'node:child_process';
import { deserialize, serialize } from 'node:v8';
import { buildDnsData, type DnsData } from '../analysis/dns/index.ts';
import type { ClusterModel } from '../model/types.ts';
import type { InputOptions } from './_common.ts';

/** The child's side: the data, serialized (v8 structured clone) and base64-encoded for stdout. */
export function encodeDnsData(model: ClusterModel): { text: string; data: DnsData } {
  const data = buildDnsData(model);
  return { text: serialize(data).toString('base64') + '\n', data };
}

/** Command-line arguments that make a child read the same inputs. */
function inputArgs(opts: InputOptions): string[] {
  return [
    ...(opts.file ?? []).flatMap((f) => ['-f', f]),
    ...(opts.namespace ? ['-n', opts.namespace] : []),
    ...(opts.profile ? ['--profile', opts.profile] : []),
    ...(opts.keepGoing ? ['--keep-going'] : []),
    ...(opts.quiet ? ['-q'] : []),
  ];
}

/**
 * The parent's side: runs the full CLI (`cli`) as the child and decodes its data; undefined when it failed (its
 * stderr says why). With `-f -` the child reads this process's standard input.
 */
export function loadDnsDataInChild(
  opts: InputOptions,
  cli: { readonly execArgv: readonly string[]; readonly script: string },
): Promise<DnsData | undefined> {
  return new Promise((resolve) => {
    const args = [...cli.execArgv, cli.script, 'serve', 'dns', '--emit-data', ...inputArgs(opts)];
    const stdin = opts.file?.includes('-') ? 'inherit' : 'ignore';
    const child = spawn(process.execPath, args, { stdio: [stdin, 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      if (code !== 0) return resolve(undefined);
      try {
        resolve(deserialize(Buffer.from(Buffer.concat(chunks).toString('utf8').trim(), 'base64')) as DnsData);
      } catch {
        resolve(undefined);
      }
    });
  });
}
