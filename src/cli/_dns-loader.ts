/**
 * How `serve dns` moves its data between its three processes. The builder (this CLI, `serve dns --emit-data FILE`)
 * builds the model, the DNS data and the zone's compiled answers, and writes them to FILE; the launcher
 * (`serve dns`) runs it, once and on every change with --watch, and passes each file's path to the serving process
 * on that process's standard input (see _dns-frames.ts). The serving process thus holds only the DNS index and the
 * compiled answers: the build's memory peak, and the garbage of compiling every answer, end with the builder.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { buildDnsData, createDnsFromData, zoneQuestions, type DnsData } from '../analysis/dns/index.ts';
import { AnswerTable } from '../servers/dns-server/index.ts';
import type { ClusterModel } from '../model/types.ts';
import { loadCluster, type InputOptions } from './_common.ts';
import { liveArgs, type LiveState } from './_live.ts';
import { renderDiagnostics } from '../render/diagnostics.ts';
import type { Io } from './io.ts';
import { servingFileParts } from './_dns-frames.ts';

/** The builder's side: the data and compiled answers in the file layout of `readServingFile` (_dns-frames.ts). */
export function encodeDnsData(model: ClusterModel): { bytes: Uint8Array[]; data: DnsData } {
  const data = buildDnsData(model);
  const table = AnswerTable.compile(createDnsFromData(data), zoneQuestions(data, model.pods)).toBytes();
  return { bytes: servingFileParts(serialize(data), table), data };
}

/** Command-line arguments that make a child read the same inputs. */
function inputArgs(opts: InputOptions): string[] {
  return [
    ...(opts.file ?? []).flatMap((f) => ['-f', f]),
    ...(opts.namespace ? ['-n', opts.namespace] : []),
    ...(opts.profile ? ['--profile', opts.profile] : []),
    ...(opts.keepGoing ? ['--keep-going'] : []),
    ...(opts.quiet ? ['-q'] : []),
    ...liveArgs(opts),
  ];
}

/**
 * The launcher's side: runs the full CLI (`cli`) as the builder, writing the data to `file`. Resolves with the
 * builder's exit code when it wrote the file — 0, or 2 when the inputs had error diagnostics (the invalid objects
 * are left out, the rest is served) — and undefined when the build failed (its stderr says why). With `-f -` the
 * builder reads this process's standard input.
 */
export function buildServingData(
  opts: InputOptions,
  cli: { readonly execArgv: readonly string[]; readonly script: string },
  file: string,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const args = [...cli.execArgv, cli.script, 'serve', 'dns', '--emit-data', file, ...inputArgs(opts)];
    const stdin = opts.file?.includes('-') ? 'inherit' : 'ignore';
    const child = spawn(process.execPath, args, { stdio: [stdin, 'ignore', 'inherit'] });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve((code === 0 || code === 2) && existsSync(file) ? code : undefined));
  });
}

/**
 * The launcher's side with `--kubeconfig --watch`: builds in this process from the object set the watch keeps
 * (`state`) and the manifests over it, and writes the data to `file`. Same results as `buildServingData`; the
 * cluster is not listed again for each change.
 */
export async function buildServingDataFrom(
  opts: InputOptions,
  io: Pick<Io, 'stderr' | 'readStdin'>,
  state: LiveState,
  file: string,
): Promise<number | undefined> {
  const loaded = await loadCluster(opts, io, state);
  if (typeof loaded === 'number') return undefined;
  const { bytes, data } = encodeDnsData(loaded.cluster.model);
  const shown = renderDiagnostics([...data.diagnostics], opts.quiet ? 'error' : 'info');
  if (shown) io.stderr(shown);
  writeFileSync(file, Buffer.concat(bytes));
  return loaded.inputExit;
}
