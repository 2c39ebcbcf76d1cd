import type { SourceRef } from '../model/diagnostic.ts';
import type { ClusterModel, ContainerSetting, WorkloadSettings } from '../model/types.ts';

/** One container's `command` or `args` list: what its words share. */
export interface WordList {
  readonly container: string;
  readonly field: 'command' | 'args';
  /** Locates word `i` of the list; called only when a diagnostic or a discovered flow cites that word. */
  readonly locate: (i: number) => SourceRef;
}

/**
 * One word of a container's `command` or `args`. A list can hold a million words of which only the few a flow or a
 * diagnostic cites are ever shown, so a word keeps its list and index, and its name (`args[2]`) and located source
 * are computed when read rather than stored: a few dozen bytes per word instead of a path string and a source each.
 * Serialised (`toJSON`) it is the same plain setting an eagerly built one would be.
 */
export class WordSetting implements ContainerSetting {
  readonly value: string;
  private readonly list: WordList;
  private readonly index: number;

  constructor(list: WordList, index: number, value: string) {
    this.list = list;
    this.index = index;
    this.value = value;
  }

  get kind(): 'arg' {
    return 'arg';
  }

  get container(): string {
    return this.list.container;
  }

  get name(): string {
    return `${this.list.field}[${this.index}]`;
  }

  get source(): SourceRef {
    return this.list.locate(this.index);
  }

  toJSON(): ContainerSetting {
    const { container, kind, name, value, source } = this;
    return { container, kind, name, value, source };
  }
}

/**
 * `model` with every word located and plain: what V8's structured serialisation (the model cache) can store, as a
 * word's list keeps the function that locates it. The model itself, when it has no words.
 */
export function withLocatedWords(model: ClusterModel): ClusterModel {
  const lazy = (w: WorkloadSettings) => w.settings.some((s) => s instanceof WordSetting);
  if (!model.settings?.some(lazy)) return model;
  return {
    ...model,
    settings: model.settings.map((w) =>
      lazy(w) ? { ...w, settings: w.settings.map((s) => (s instanceof WordSetting ? s.toJSON() : s)) } : w,
    ),
  };
}
