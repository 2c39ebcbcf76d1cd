/**
 * `serve dns --watch` kept current in place (docs/design/0007-incremental-model.md): the launcher holds the
 * model (`WatchedCluster`) and the zone next to it (`ZoneTracker`). A changed manifest file becomes per-object
 * events (`changedTexts`), a live watch event is one; each event updates the model, and the zone's delta goes to
 * the serving process as one `delta:` line (_dns-frames.ts) instead of a whole new zone. An event the model cannot
 * take in place rebuilds it here, and the serving process gets a whole zone file as before.
 */
import { writeFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { WatchedCluster, type ModelChange, type ObjectEvent } from '../api/watched.ts';
import { changedTexts, watchTexts, type WatchedTexts } from '../api/watched-texts.ts';
import { ZoneTracker, type ZoneDelta } from '../servers/dns-server/index.ts';
import { loadInputs, loadProfile } from '../sources/files.ts';
import { renderDiagnostics, summarizeDiagnostics } from '../render/diagnostics.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { RawObject } from '../parse/index.ts';
import { exitCodes, type InputOptions } from './_common.ts';
import { servingFileParts } from './_dns-frames.ts';
import type { LiveState } from './_live.ts';
import type { Io } from './io.ts';

/** What one change gives the serving process: zone deltas, or a whole zone file. */
export type DnsUpdate = { readonly deltas: ZoneDelta[] } | { readonly file: string };

export class DnsWatch {
  #texts?: WatchedTexts;
  #cluster!: WatchedCluster;
  #tracker!: ZoneTracker;
  inputExit: number = exitCodes.ok;

  private constructor(
    private readonly opts: InputOptions,
    private readonly io: Pick<Io, 'stderr' | 'readStdin'>,
  ) {}

  /** Reads the inputs (files, or the live cluster's first listing) and builds; a number is an exit code. */
  static async start(
    opts: InputOptions,
    io: Pick<Io, 'stderr' | 'readStdin'>,
    live?: LiveState,
  ): Promise<DnsWatch | number> {
    const w = new DnsWatch(opts, io);
    const problem = live ? w.#fromLive(live) : await w.#fromFiles();
    return problem ?? w;
  }

  get counts(): { inPlace: number; rebuilds: number } {
    return { inPlace: this.#cluster.inPlace, rebuilds: this.#cluster.rebuilds };
  }

  #report(extra: readonly Diagnostic[]): void {
    const diagnostics = [...extra, ...this.#cluster.diagnostics, ...this.#tracker.data.diagnostics];
    const shown = renderDiagnostics(diagnostics, this.opts.quiet ? 'error' : 'info');
    if (shown) this.io.stderr(shown + `${summarizeDiagnostics(diagnostics)}\n`);
    const errors = diagnostics.some((d) => d.severity === 'error');
    this.inputExit = errors && !this.opts.keepGoing ? exitCodes.input : exitCodes.ok;
  }

  async #fromFiles(): Promise<number | undefined> {
    const inputs = await loadInputs(this.opts.file ?? [], this.io.readStdin);
    const extra: Diagnostic[] = [...inputs.diagnostics];
    let profile;
    if (this.opts.profile) {
      const p = await loadProfile(this.opts.profile);
      if ('text' in p) profile = p;
      else extra.push(p);
    }
    try {
      this.#texts = watchTexts(inputs.texts, {
        namespace: this.opts.namespace,
        maxPods: this.opts.maxPods,
        ...(profile ? { profile } : {}),
      });
    } catch {
      return exitCodes.input; // two profiles or an unreadable one: serve dns without --watch reports it
    }
    this.#cluster = this.#texts.cluster;
    this.#tracker = new ZoneTracker(this.#cluster.model);
    this.#report([...extra, ...this.#texts.diagnostics]);
    return undefined;
  }

  #fromLive(state: LiveState): number | undefined {
    this.#cluster = new WatchedCluster(state.objects, {
      namespace: this.opts.namespace,
      maxPods: this.opts.maxPods,
      inferFromObjects: false,
    });
    this.#tracker = new ZoneTracker(this.#cluster.model);
    this.#report(state.diagnostics);
    return undefined;
  }

  /** Writes the whole zone (data and compiled answers) to `file`, in the builder's layout. */
  writeZone(file: string): string {
    const table = this.#tracker.compile(this.#cluster.model).toBytes();
    writeFileSync(file, Buffer.concat(servingFileParts(serialize(this.#tracker.data), table)));
    return file;
  }

  /** Applies events; the deltas to send, or a whole zone (written to `file()`) after a rebuild. */
  apply(events: readonly ObjectEvent[], file: () => string, ordered?: () => RawObject[]): DnsUpdate {
    const changes: ModelChange[] = this.#cluster.applyAll(events, ordered);
    if (changes.some((c) => c.rebuilt)) {
      this.#tracker.reset(this.#cluster.model);
      this.#report([]);
      return { file: this.writeZone(file()) };
    }
    const deltas: ZoneDelta[] = [];
    for (const c of changes) {
      const d = this.#tracker.update(c);
      if (d) deltas.push(d);
    }
    return { deltas };
  }

  /** The manifest files read again: their per-object events applied, or everything reloaded. */
  async filesChanged(file: () => string): Promise<DnsUpdate | undefined> {
    const inputs = await loadInputs(this.opts.file ?? [], this.io.readStdin);
    const changed = this.#texts && changedTexts(this.#texts, inputs.texts);
    if (changed) {
      this.#texts!.files = changed.files;
      return changed.events.length ? this.apply(changed.events, file, changed.ordered) : { deltas: [] };
    }
    const again = await this.#fromFiles();
    if (again !== undefined) return undefined;
    return { file: this.writeZone(file()) };
  }

  /** A new full listing of the live cluster (a kind listed again): everything rebuilt. */
  relisted(state: LiveState, file: () => string): DnsUpdate {
    this.#fromLive(state);
    return { file: this.writeZone(file()) };
  }

  objects(): RawObject[] {
    return this.#cluster.objects();
  }
}
