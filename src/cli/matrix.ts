import { Command, Option } from 'commander';
import { writeStream } from './io.ts';
import type { MatrixBy } from '../analysis/matrix/index.ts';
import { computeMatrixParallel } from '../workers/matrix-pool.ts';
import { PolicyEngine } from '../analysis/policy/index.ts';
import type { Protocol } from '../model/types.ts';
import { ipBlockPodWarnings, matrixUnknown, matrixUnknownWarning } from '../analysis/unmodeled/index.ts';
import { renderMatrixDot, renderMatrixMermaid } from '../render/matrix-graph.ts';
import { renderMatrixHubble } from '../render/matrix-hubble.ts';
import {
  renderMatrixCsv,
  renderMatrixJson,
  renderMatrixMarkdown,
  renderMatrixTable,
} from '../render/matrix-table.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface MatrixCliOptions extends InputOptions {
  by: MatrixBy;
  port?: string[];
  output: 'table' | 'json' | 'csv' | 'md' | 'mermaid' | 'dot' | 'hubble';
  hostNetwork: 'node' | 'pod';
  namespaces?: string;
  denied?: boolean;
}

/** `kubetwin matrix -f … [--by pod|workload|namespace] [--port P/PROTO …] [-n NS | -A] [-o …]`. */
export function matrixCommand(io: Io): Command {
  const cmd = new Command('matrix')
    .description(
      'the connectivity matrix: which pods, workloads or namespaces may reach which, on which ports',
    )
    .addOption(
      new Option('--by <level>', 'group rows and columns by')
        .choices(['pod', 'workload', 'namespace'])
        .default('workload'),
    )
    .addOption(
      new Option(
        '--port <port/proto>',
        'check this port at every destination, e.g. 80/TCP (repeatable; default: every declared container port)',
      ).argParser((v: string, prev: string[] = []) => [...prev, v]),
    )
    .option('--namespaces <list>', 'only these namespaces, comma-separated (instead of -n NS or -A)')
    .addOption(
      new Option('--host-network <mode>', 'treat hostNetwork pods as their node or as pods')
        .choices(['node', 'pod'])
        .default('node'),
    )
    .option(
      '--denied',
      'json and csv: also list the (from, to, port) combinations no pod pair may use (grows with groups squared)',
    )
    .addOption(
      new Option(
        '-o, --output <format>',
        'output format (hubble: one `hubble observe -o json` flow per cell and port, drops included)',
      )
        .choices(['table', 'json', 'csv', 'md', 'mermaid', 'dot', 'hubble'])
        .default('table'),
    );
  withInputOptions(cmd).action(async (opts: MatrixCliOptions) => {
    const ports: { port: number; protocol: Protocol }[] = [];
    for (const p of opts.port ?? []) {
      const m = /^(\d+)(?:\/(TCP|UDP|SCTP))?$/i.exec(p);
      const n = m ? Number(m[1]) : 0;
      if (!m || n < 1 || n > 65535) {
        io.stderr(`error: --port "${p}" must be PORT or PORT/TCP|UDP|SCTP\n`);
        return io.exit(exitCodes.input);
      }
      ports.push({ port: n, protocol: (m[2]?.toUpperCase() ?? 'TCP') as Protocol });
    }
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const explicitNs = cmd.getOptionValueSource('namespace') === 'cli';
    const namespaces = opts.namespaces
      ? opts.namespaces
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
      : opts.allNamespaces || !explicitNs
        ? undefined
        : [opts.namespace as string];
    const model = loaded.cluster.model;
    // By namespace, the rows are summed on every core (`computeMatrixParallel`); the same output as one thread.
    const computed = await computeMatrixParallel(new PolicyEngine(model, { hostNetwork: opts.hostNetwork }), {
      by: opts.by,
      ports: ports.length ? ports : undefined,
      namespaces,
    });
    const denied = { denied: opts.denied ?? false };
    // In the output itself, not on stderr: cells objects kubetwin does not model may change, and ipBlocks that
    // match the pod addresses kubetwin assigned.
    const unknown = matrixUnknown(model, computed);
    const inScope = new Set(computed.groups.map((g) => g.namespace));
    const matrix = {
      ...computed,
      warnings: [
        ...computed.warnings,
        ...(unknown ? [matrixUnknownWarning(unknown)] : []),
        ...(model.profile.cni.enforcesNetworkPolicy ? ipBlockPodWarnings(model, inScope) : []),
      ],
    };
    const render = {
      table: renderMatrixTable,
      md: renderMatrixMarkdown,
      csv: (m: typeof matrix) => renderMatrixCsv(m, denied),
      mermaid: renderMatrixMermaid,
      dot: renderMatrixDot,
      hubble: (m: typeof matrix) => renderMatrixHubble(model, m),
      json: (m: typeof matrix) =>
        renderMatrixJson(m, {
          ...denied,
          extra: unknown
            ? {
                unknown: {
                  cells: unknown.cells,
                  totalCells: unknown.totalCells,
                  namespaces: unknown.namespaces,
                  objects: unknown.objects.map((o) => o.key),
                },
              }
            : undefined,
        }),
    }[opts.output];
    // Written as computed, row by row, as fast as the reader takes it: a large matrix is never one string, nor
    // queued whole in the process.
    await writeStream(io, render(matrix));
    // CSV and Hubble's JSON lines have no place for a warning line: say it on stderr rather than not at all.
    if (opts.output === 'csv' || opts.output === 'hubble')
      for (const w of matrix.warnings) io.stderr(`warning: ${w}\n`);
    io.exit(loaded.inputExit);
  });
  return cmd;
}
