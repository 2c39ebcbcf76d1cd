import type { SourceRef } from './diagnostic.ts';
import type { ContainerWords } from './types.ts';

/** The name a word is cited by: `args[2]`, `command[0]`. */
export const wordName = (words: ContainerWords, i: number): string => `${words.field}[${i}]`;

/** Where word `i` of `words` is written: located now (a built model) or as stored (a cached one). */
export function wordSource(words: ContainerWords, i: number): SourceRef | undefined {
  return words.locate ? words.locate(i) : words.sources?.[i];
}

/**
 * `words` as plain data V8's structured serialisation (the model cache) can store: every word located, the
 * function that locates them dropped. The list itself when it is plain already.
 */
export function locatedWords(words: ContainerWords): ContainerWords {
  if (!words.locate) return words;
  const { container, field, values } = words;
  return {
    container,
    field,
    values,
    sources: values.map((v, i) => (v === undefined ? undefined : wordSource(words, i))),
  };
}
