/**
 * Text sizes without a DOM: the renderers draw in system-ui at 12px (nodes) and 11px (edge labels); an average
 * advance of 0.6em over-estimates most Latin text slightly, so boxes are a little wide rather than clipped.
 */
export const labelHeight = 15;
export const nodeHeight = 30;
const maxNodeChars = 30;

export function textWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * 0.6);
}

/** The label a node shows: cut to 30 characters with an ellipsis. */
export function shortLabel(label: string): string {
  return label.length > maxNodeChars ? `${label.slice(0, maxNodeChars - 1)}…` : label;
}

/** A node's box: the label plus padding; a namespace node has a second line with its count. */
export function nodeSize(label: string, count?: number): { width: number; height: number } {
  const text = textWidth(shortLabel(label), 12);
  const second = count === undefined ? 0 : textWidth(countText(count), 11);
  return { width: Math.max(90, Math.max(text, second) + 24), height: count === undefined ? nodeHeight : 44 };
}

/** The second line of a namespace drawn as one node. */
export const countText = (count: number) => `${count} ${count === 1 ? 'object' : 'objects'} inside`;
