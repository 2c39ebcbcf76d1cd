import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_PREFIX, planLab, type LabPlan, type ProbeReport } from '../lab/plan/index.ts';
import { labDown, labNamespaces, labUp, preflight } from '../lab/apply/index.ts';
import { runProbe } from '../lab/apply/probe-run.ts';
import type { ClusterModel } from '../model/types.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface LabOptions extends InputOptions {
  prefix: string;
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const prefixOption = () =>
  new Option('--prefix <p>', 'prefix of every namespace, link and nft table the lab creates').default(
    DEFAULT_PREFIX,
  );

/** Checks root and tools, then loads the model and plans the lab; a number is an exit code. */
async function prepare(io: Io, opts: LabOptions): Promise<{ model: ClusterModel; plan: LabPlan } | number> {
  const why = await preflight();
  if (why) {
    io.stderr(`error: ${why}\n`);
    return exitCodes.input;
  }
  const loaded = await loadCluster(opts, io);
  if (typeof loaded === 'number') return loaded;
  if (loaded.inputExit) return loaded.inputExit;
  try {
    return { model: loaded.cluster.model, plan: planLab(loaded.cluster.model, { prefix: opts.prefix }) };
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n`);
    return exitCodes.input;
  }
}

function upCommand(io: Io): Command {
  const cmd = new Command('up')
    .description(
      'build the modelled network in Linux network namespaces (root) and serve every container port',
    )
    .addOption(prefixOption());
  withInputOptions(cmd).action(async (opts: LabOptions) => {
    const ready = await prepare(io, opts);
    if (typeof ready === 'number') return io.exit(ready);
    const { plan } = ready;
    const onSignal = () => void labDown(plan.prefix).then(() => process.exit(130));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const r = await labUp(plan);
      io.stdout(
        `lab ${plan.prefix}: ${plan.nodes.length} nodes, ${plan.pods.length} pods, ${plan.services.length} Service ports, ` +
          `${r.namespaces} namespaces, ${r.commands} ip commands, ${r.served} ports served (${(r.ms / 1000).toFixed(1)} s)\n`,
      );
      for (const e of r.errors) io.stdout(`  responder: ${e}\n`);
      for (const s of plan.skipped) io.stdout(`  not built: ${s.key}: ${s.reason}\n`);
      for (const l of plan.limits) io.stdout(`  limit: ${l}\n`);
      io.stdout(`probe it with \`kubetwin lab probe -f …\`; remove it with \`kubetwin lab down\`\n`);
      return io.exit(exitCodes.ok);
    } catch (e) {
      io.stderr(`error: ${(e as Error).message} (everything the lab made was removed)\n`);
      return io.exit(exitCodes.findings);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
  return cmd;
}

/** The probe report as text: totals, then each disagreement with the model's explanation and the chain. */
export function renderProbeText(r: ProbeReport & { ms?: number }): string {
  const lines = [
    `${r.agree}/${r.total} probes agree with the model${r.ms !== undefined ? ` (${(r.ms / 1000).toFixed(1)} s)` : ''}: ` +
      `${r.counts.pod} pod to pod, ${r.counts.service} through Services, ${r.counts.dns} DNS lookups`,
  ];
  for (const d of r.disagreements)
    lines.push(
      d.kind === 'dns'
        ? `DISAGREE dns ${d.from} looks up ${d.to}: model ${d.model}, lab ${d.lab}`
        : `DISAGREE ${d.kind} ${d.from} -> ${d.to} ${d.port}/${d.protocol}: model ${d.model}, lab ${d.lab} (${d.outcome}${d.chain ? `; rejected by ${d.chain}` : ''})`,
      `  model: ${d.explanation}`,
    );
  if (r.skipped.length) lines.push(`not probed (${r.skipped.length}):`, ...r.skipped.map((s) => `  ${s}`));
  return lines.join('\n') + '\n';
}

function probeCommand(io: Io): Command {
  const cmd = new Command('probe')
    .description(
      'try every pod-to-pod connection, every Service port from every pod and DNS lookups in the lab for real, and compare each with the model',
    )
    .addOption(prefixOption())
    .addOption(new Option('--sample <n>', 'a seeded random sample of n connections').argParser(int))
    .addOption(new Option('--seed <n>', 'seed of --sample').argParser(int).default(1))
    .addOption(new Option('--timeout <ms>', 'per-connection timeout').argParser(int).default(1500))
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
  withInputOptions(cmd).action(
    async (
      opts: LabOptions & { sample?: number; seed: number; timeout: number; output: 'text' | 'json' },
    ) => {
      const ready = await prepare(io, opts);
      if (typeof ready === 'number') return io.exit(ready);
      const { model, plan } = ready;
      const up = await labNamespaces(plan.prefix);
      const want = [...plan.namespaces].sort();
      if (up.join(' ') !== want.join(' ')) {
        io.stderr(
          up.length
            ? `error: the lab ${plan.prefix} that is up was not built from this input (${up.length} namespaces, the plan has ${want.length}): \`kubetwin lab down\`, then \`lab up\` with the same -f\n`
            : `error: no lab ${plan.prefix} is up: run \`kubetwin lab up -f …\` first\n`,
        );
        return io.exit(exitCodes.input);
      }
      const r = await runProbe(model, plan, {
        sample: opts.sample,
        seed: opts.seed,
        timeoutMs: opts.timeout,
      });
      if (opts.output === 'json') {
        const { total, agree, counts, disagreements, skipped } = r;
        io.stdout(JSON.stringify({ total, agree, counts, disagreements, skipped }, null, 2) + '\n');
      } else io.stdout(renderProbeText(r));
      return io.exit(r.disagreements.length ? exitCodes.findings : exitCodes.ok);
    },
  );
  return cmd;
}

function downCommand(io: Io): Command {
  return new Command('down')
    .description('remove every namespace (and with them links, routes, nft tables) and process the lab made')
    .addOption(prefixOption())
    .action(async (opts: { prefix: string }) => {
      const why = await preflight();
      if (why) {
        io.stderr(`error: ${why}\n`);
        return io.exit(exitCodes.input);
      }
      const r = await labDown(opts.prefix);
      io.stdout(
        `lab ${opts.prefix}: removed ${r.namespaces.length} namespaces${r.daemon ? ' and the responder' : ''}\n`,
      );
      return io.exit(exitCodes.ok);
    });
}

/** `kubetwin lab up|probe|down`: the model built for real in network namespaces, and checked packet by packet. */
export function labCommand(io: Io): Command {
  const cmd = new Command('lab').description(
    'build the modelled network in Linux network namespaces, probe it, and compare with the model (root)',
  );
  for (const make of [upCommand, probeCommand, downCommand])
    cmd.addCommand(
      make(io)
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride()
        .showHelpAfterError(),
    );
  return cmd;
}
