import { locatedWords } from '../model/container-words.ts';
import type { ClusterModel } from '../model/types.ts';

/**
 * `model` with every container word located and plain: what V8's structured serialisation (the model cache) can
 * store, as a built model's word lists keep the function that locates their words. The model itself, when it has
 * no word list to locate.
 */
export function withLocatedWords(model: ClusterModel): ClusterModel {
  if (!model.settings?.some((w) => w.words.some((l) => l.locate))) return model;
  return {
    ...model,
    settings: model.settings.map((w) => ({ ...w, words: w.words.map(locatedWords) })),
  };
}
