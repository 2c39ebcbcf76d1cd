/**
 * The path form of the support catalogue (src/model/catalogue.ts `fields`): dotted map keys, `*` for every item of
 * a list, and a map key that holds dots or slashes written whole in brackets, as kubectl prints a path
 * (`metadata.annotations["k3s.io/node-args"]`, `metadata.labels["istio.io/dataplane-mode"]`). Label and annotation
 * keys carry a DNS prefix (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set),
 * so splitting on every dot would cut `k3s.io/node-args` into `k3s` and `io/node-args`, and no object would ever hold
 * the field.
 */

/**
 * The segments of a catalogue path, a bracketed key kept whole.
 * @example catalogueSegments('metadata.annotations["k3s.io/node-args"]') // ['metadata', 'annotations', 'k3s.io/node-args']
 */
export function catalogueSegments(path: string): string[] {
  const segs: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '[') {
      const end = path.indexOf('"]', i + 2);
      if (path[i + 1] !== '"' || end < 0) throw new Error(`catalogue path ${path}: unclosed ["…"] key`);
      segs.push(JSON.parse(path.slice(i + 1, end + 1)) as string);
      i = end + 2;
      if (path[i] === '.') i++;
      continue;
    }
    const dot = path.indexOf('.', i);
    const bracket = path.indexOf('[', i);
    const stop = [dot, bracket].filter((n) => n >= 0);
    const end = stop.length ? Math.min(...stop) : path.length;
    segs.push(path.slice(i, end));
    i = end === dot ? end + 1 : end;
  }
  return segs;
}

/**
 * Does a map key match a catalogue key pattern (a row with `keyPattern`)? `*` stands for any run of characters,
 * everything else is literal: `alb.ingress.kubernetes.io/actions.*` matches `alb.ingress.kubernetes.io/actions.redirect`
 * (the AWS Load Balancer Controller reads one `actions.${action-name}` annotation per action,
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#actions).
 */
export function keyPatternMatches(pattern: string, key: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === key;
  if (!key.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = key.indexOf(parts[i], at);
    if (found < 0) return false;
    at = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return key.length - last.length >= at && key.endsWith(last);
}
