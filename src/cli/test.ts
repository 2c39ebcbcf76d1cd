import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { runTests } from '../analysis/assert/index.ts';
import { parseManifests } from '../parse/index.ts';
import { renderDiagnostics } from '../render/diagnostics.ts';
import { renderJunit } from '../render/junit.ts';
import { renderTestText, testJson } from '../render/test-text.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface TestOptions extends InputOptions {
  output: 'text' | 'json' | 'junit';
  strict?: boolean;
  hostNetwork: 'node' | 'pod';
}

/**
 * `kubetwin test -f MANIFESTS… TESTFILE…`: exit 0 when no assertion fails, 1 when one does (or, with --strict,
 * when an entry kind is not supported yet), 2 on bad input.
 */
export function testCommand(io: Io): Command {
  const cmd = new Command('test')
    .description(
      'check assertion files (tests: [{name, reach: {from, to, port, protocol}, expect: allowed|denied}]) against the manifests',
    )
    .argument('<testfiles...>', 'assertion files')
    .option(
      '--strict',
      'fail when an entry kind is not supported yet (resolve:, route:) instead of skipping it',
    )
    .addOption(
      new Option('--host-network <mode>', 'reach entries: treat hostNetwork pods as their node or as pods')
        .choices(['node', 'pod'])
        .default('node'),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'junit']).default('text'),
    );
  withInputOptions(cmd).action(async (files: string[], opts: TestOptions) => {
    const texts = [];
    for (const file of files) {
      try {
        texts.push({ file, text: await readFile(file, 'utf8') });
      } catch (e) {
        io.stderr(`error: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        return io.exit(exitCodes.input);
      }
    }
    const parsed = parseManifests(texts);
    if (parsed.diagnostics.length) {
      io.stderr(renderDiagnostics(parsed.diagnostics, 'info'));
      return io.exit(exitCodes.input);
    }
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const report = runTests(loaded.cluster.model, parsed.objects, { hostNetwork: opts.hostNetwork });
    // Malformed entries: their errors first; the well-formed entries still run and are reported, and the run exits 2.
    if (report.problems.length) io.stderr(renderDiagnostics(report.problems, 'info'));
    io.stdout(
      opts.output === 'json'
        ? JSON.stringify(testJson(report), null, 2) + '\n'
        : opts.output === 'junit'
          ? renderJunit(report)
          : renderTestText(report),
    );
    const failed = report.failed > 0 || (opts.strict && report.unsupported > 0);
    const inputExit = loaded.inputExit || (report.problems.length ? exitCodes.input : 0);
    io.exit(inputExit || (failed ? exitCodes.findings : exitCodes.ok));
  });
  return cmd;
}
