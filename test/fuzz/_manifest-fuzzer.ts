/**
 * A seeded, bounded manifest fuzzer (inputs: `_manifest-inputs.ts`; checks: `_manifest-oracle.ts`). Every input
 * goes through the core pipeline `doctor` runs, in process, with the loss and diagnostic checks, in batches of
 * `batch` inputs read as one cluster (each its own file; a failing batch is re-checked input by input); one input
 * in `cliEvery` (drawn from the same seeded generator) also goes through the CLI commands alone. The only acceptable
 * outcomes are exits 0, 1 or 2 within the time bound, no object lost. A crash, a hang or a loss is a kubetwin bug,
 * reported with the seed and index that replay it (`--seed S --from I --inputs 1`).
 */
import { nextInput, rng, seedTexts, type InputKind } from './_manifest-inputs.ts';
import { checkCore, cliCommands, runCli } from './_manifest-oracle.ts';

export interface FuzzOptions {
  readonly seed: number;
  /** Stop after this many inputs or this much time, whichever comes first. */
  readonly maxInputs: number;
  readonly budgetMs: number;
  /** An input taking longer than this is a hang. */
  readonly hangMs?: number;
  /** One input in this many also runs the CLI commands (default 10). */
  readonly cliEvery?: number;
  /** Generate but skip the inputs before this index (to resume after a hang, or replay one input). */
  readonly from?: number;
  /** Inputs read as one cluster by the core check (default 16); 1 checks each alone. */
  readonly batch?: number;
  /** Called with the first index of each batch before it is checked (the campaign's watchdog reads it). */
  readonly onInput?: (index: number) => void;
  /** Called with each failure as it is found (the campaign writes it to its results file at once). */
  readonly onFailure?: (failure: FuzzFailure) => void;
}

export interface FuzzFailure {
  readonly index: number;
  readonly command: string;
  readonly kind: 'crash' | 'hang' | 'loss' | 'other';
  readonly problem: string;
  readonly input: string;
}

export interface FuzzReport {
  readonly seed: number;
  /** Inputs checked (skipped ones before `from` not counted). */
  readonly inputs: number;
  /** Inputs that also ran the CLI commands, and the CLI runs. */
  readonly cliInputs: number;
  readonly runs: number;
  readonly kinds: Partial<Record<InputKind, number>>;
  /** Exit codes of `doctor` over the inputs that ran the CLI. */
  readonly exits: Record<number, number>;
  readonly slowestMs: number;
  readonly failures: FuzzFailure[];
}

const kindOf = (problem: string): FuzzFailure['kind'] =>
  problem.startsWith('silent loss') ? 'loss' : 'other';

interface Drawn {
  readonly index: number;
  readonly kind: InputKind;
  readonly text: string;
  readonly withCli: boolean;
}

/** Runs the fuzzer; never throws for a kubetwin bug, it reports it. */
export async function fuzzManifests(o: FuzzOptions): Promise<FuzzReport> {
  const r = rng(o.seed);
  const seeds = seedTexts();
  const started = Date.now();
  const exits: Record<number, number> = {};
  const kinds: Partial<Record<InputKind, number>> = {};
  const failures: FuzzFailure[] = [];
  const hangMs = o.hangMs ?? 10_000;
  const cliEvery = o.cliEvery ?? 10;
  const batchSize = o.batch ?? 16;
  const from = o.from ?? 0;
  const end = from + o.maxInputs;
  let inputs = 0;
  let cliInputs = 0;
  let runs = 0;
  let slowestMs = 0;
  const fail = (input: Drawn, command: string, kind: FuzzFailure['kind'], problem: string) => {
    const failure = { index: input.index, command, kind, problem, input: input.text };
    failures.push(failure);
    o.onFailure?.(failure);
  };
  /** The core check of `batch`; on a failure, each input again alone to say which. */
  const core = (batch: Drawn[]): void => {
    const t0 = Date.now();
    let outcome: ReturnType<typeof checkCore> | undefined;
    let thrown: string | undefined;
    try {
      outcome = checkCore(batch.map((d) => d.text));
    } catch (e) {
      thrown = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
    const ms = Date.now() - t0;
    slowestMs = Math.max(slowestMs, ms);
    const failed = thrown !== undefined || ms > hangMs || outcome!.batchProblems.length > 0;
    if (batch.length > 1 && (failed || outcome!.problems.some((p) => p.length))) {
      const before = failures.length;
      for (const d of batch) core([d]);
      // A batch merely slower than `hangMs` in all, whose inputs each finish in time alone, is no hang: the
      // bound is per input. Anything else that fails only in the batch is reported against every input of it.
      const onlySlow = thrown === undefined && !outcome!.batchProblems.length;
      if (failures.length === before && !onlySlow)
        for (const d of batch)
          fail(
            d,
            'core',
            thrown ? 'crash' : 'other',
            `only in a batch of ${batch.length} (from index ${batch[0].index}): ${thrown ?? `${ms} ms ${outcome!.batchProblems.join('; ')}`}`,
          );
      return;
    }
    const [one] = batch;
    if (thrown !== undefined) return void fail(one, 'core', 'crash', `threw: ${thrown}`);
    if (ms > hangMs) fail(one, 'core', 'hang', `took ${ms} ms`);
    for (const p of outcome!.batchProblems) fail(one, 'core', kindOf(p), p);
    outcome!.problems.forEach((list, i) => list.forEach((p) => fail(batch[i], 'core', kindOf(p), p)));
  };
  /** The CLI commands over one input alone; doctor's exit 2 must match the core check's input errors. */
  const cli = async (d: Drawn): Promise<void> => {
    cliInputs++;
    let inputError: boolean | undefined;
    try {
      inputError = checkCore([d.text]).inputErrors[0];
    } catch {
      // A crash here is the core check's, reported from the batch.
    }
    for (const command of cliCommands) {
      const name = command.join(' ');
      const t0 = Date.now();
      const { code, thrown } = await runCli(command, d.text);
      const ms = Date.now() - t0;
      slowestMs = Math.max(slowestMs, ms);
      runs++;
      if (name === 'doctor') exits[code] = (exits[code] ?? 0) + 1;
      if (ms > hangMs) fail(d, name, 'hang', `took ${ms} ms`);
      if (thrown !== undefined) fail(d, name, 'crash', `threw: ${thrown}`);
      else if (code !== 0 && code !== 1 && code !== 2) fail(d, name, 'other', `exit ${code}`);
      else if (name === 'doctor' && inputError !== undefined && (code === 2) !== inputError)
        fail(
          d,
          name,
          'other',
          `exit ${code}, while the core check found ${inputError ? 'an' : 'no'} input error`,
        );
    }
  };
  let batch: Drawn[] = [];
  for (let index = 0; index < end && Date.now() - started < o.budgetMs; index++) {
    const input = nextInput(r, seeds);
    const withCli = r() < 1 / cliEvery;
    if (index < from) continue;
    inputs++;
    kinds[input.kind] = (kinds[input.kind] ?? 0) + 1;
    batch.push({ index, kind: input.kind, text: input.text, withCli });
    if (batch.length < batchSize && index + 1 < end) continue;
    o.onInput?.(batch[0].index);
    core(batch);
    for (const d of batch) if (d.withCli) await cli(d);
    batch = [];
  }
  if (batch.length) {
    o.onInput?.(batch[0].index);
    core(batch);
    for (const d of batch) if (d.withCli) await cli(d);
  }
  return { seed: o.seed, inputs, cliInputs, runs, kinds, exits, slowestMs, failures };
}
