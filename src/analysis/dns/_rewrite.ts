/**
 * `rewrite name` rules: the question name is rewritten before the rest of the server sees it; the client gets its
 * own question back, and answer names are rewritten back only with `answer name FROM TO` (or `answer auto`).
 * https://coredns.io/plugins/rewrite/ ("Name Field Rewrites", "Response Rewrites")
 */
import type { RewriteNameRule } from '../corefile/index.ts';
import type { ResourceRecord } from './types.ts';

const fq = (s: string) => (s.endsWith('.') ? s : `${s}.`);

function substitute(template: string, m: RegExpExecArray): string {
  return template.replace(/\{(\d+)\}/g, (_, n: string) => m[Number(n)] ?? '');
}

/** Applies one rule to a canonical name; undefined when it does not match. */
export function applyRule(rule: RewriteNameRule, name: string): string | undefined {
  switch (rule.match) {
    case 'exact':
      return name === fq(rule.from) ? fq(rule.to) : undefined;
    case 'prefix':
      return name.startsWith(rule.from) ? rule.to + name.slice(rule.from.length) : undefined;
    case 'suffix':
      return name.endsWith(fq(rule.from))
        ? name.slice(0, name.length - fq(rule.from).length) + fq(rule.to)
        : undefined;
    case 'substring':
      return name.includes(rule.from) ? name.replaceAll(rule.from, rule.to) : undefined;
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(rule.from);
      } catch {
        return undefined;
      }
      const m = re.exec(name);
      return m ? fq(substitute(rule.to, m).toLowerCase()) : undefined;
    }
  }
}

export interface Rewritten {
  readonly name: string;
  readonly applied: readonly RewriteNameRule[];
}

/** Runs the rules in order: a matching `stop` rule ends the walk, a `continue` rule passes its result on. */
export function rewriteName(rules: readonly RewriteNameRule[], name: string): Rewritten {
  let current = name;
  const applied: RewriteNameRule[] = [];
  for (const rule of rules) {
    const next = applyRule(rule, current);
    if (next === undefined) continue;
    current = next;
    applied.push(rule);
    if (rule.mode === 'stop') break;
  }
  return { name: current, applied };
}

/** Answer names written back per the applied rules' `answer` options. */
export function rewriteAnswers(
  records: readonly ResourceRecord[],
  applied: readonly RewriteNameRule[],
  original: string,
  rewritten: string,
): ResourceRecord[] {
  return records.map((r) => {
    let name = r.name;
    for (const rule of applied) {
      if (rule.answer === 'auto' && name.toLowerCase() === rewritten) name = original;
      else if (rule.answer && rule.answer !== 'auto') {
        const m = safeRegex(rule.answer.from)?.exec(name.toLowerCase());
        if (m) name = fq(substitute(rule.answer.to, m));
      }
    }
    return name === r.name ? r : { ...r, name };
  });
}

function safeRegex(s: string): RegExp | undefined {
  try {
    return new RegExp(s);
  } catch {
    return undefined;
  }
}
