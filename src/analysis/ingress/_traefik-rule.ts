import type { HttpRequest } from '../../model/routing.ts';

/**
 * Traefik's HTTP router rule language (v3 syntax): matchers `Name(`value`, …)` combined with `&&`, `||`, `!` and
 * parentheses, `&&` binding tighter than `||`; values in backticks or double quotes (Go string literals).
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/
 */
export type RuleNode =
  | { readonly op: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode }
  | { readonly op: 'not'; readonly arg: RuleNode }
  | { readonly op: 'matcher'; readonly name: string; readonly args: readonly string[] };

/** A three-valued answer: `unknown` when a matcher kubetwin does not model decides. */
export type Truth = true | false | 'unknown';

type Token = { t: 'id' | 'str' | '(' | ')' | ',' | '&&' | '||' | '!'; v: string };

/** One token at the start of `rest`: its kind, value and length; a string when none fits. */
function token(rest: string): { tok: Token; len: number } | string {
  const op = /^(&&|\|\||[(),!])/.exec(rest)?.[1];
  if (op) return { tok: { t: op as Token['t'], v: op }, len: op.length };
  const id = /^[A-Za-z][A-Za-z0-9]*/.exec(rest)?.[0];
  if (id) return { tok: { t: 'id', v: id }, len: id.length };
  // A raw string: everything up to the next backtick, no escapes.
  const raw = /^`([^`]*)`/.exec(rest);
  if (raw) return { tok: { t: 'str', v: raw[1] }, len: raw[0].length };
  // An interpreted string: backslash escapes the next character.
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
  if (quoted) return { tok: { t: 'str', v: quoted[1].replace(/\\(.)/g, '$1') }, len: quoted[0].length };
  return rest[0] === '`' || rest[0] === '"' ? 'unterminated value' : `unexpected "${rest[0]}"`;
}

function tokenize(src: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const space = /^\s+/.exec(src.slice(i))?.[0].length ?? 0;
    i += space;
    if (i >= src.length) break;
    const next = token(src.slice(i));
    if (typeof next === 'string') return `${next} at ${i}`;
    out.push(next.tok);
    i += next.len;
  }
  return out;
}

/** Recursive descent over the tokens: or := and ('||' and)*; and := unary ('&&' unary)*; unary := '!' unary | '(' or ')' | matcher. */
class RuleParser {
  private p = 0;
  error?: string;
  constructor(private readonly toks: readonly Token[]) {}
  private peek = () => this.toks[this.p]?.t;
  private take(t: Token['t']): Token | undefined {
    if (this.peek() === t) return this.toks[this.p++];
    this.error ??= `expected ${t} at token ${this.p}`;
    return undefined;
  }
  or(): RuleNode {
    let left = this.and();
    while (!this.error && this.peek() === '||') {
      this.p++;
      left = { op: 'or', left, right: this.and() };
    }
    return left;
  }
  private and(): RuleNode {
    let left = this.unary();
    while (!this.error && this.peek() === '&&') {
      this.p++;
      left = { op: 'and', left, right: this.unary() };
    }
    return left;
  }
  private unary(): RuleNode {
    if (this.peek() === '!') {
      this.p++;
      return { op: 'not', arg: this.unary() };
    }
    if (this.peek() === '(') {
      this.p++;
      const n = this.or();
      this.take(')');
      return n;
    }
    const name = this.take('id')?.v ?? '';
    this.take('(');
    const args: string[] = [];
    while (!this.error && this.peek() === 'str') {
      args.push(this.toks[this.p++].v);
      if (this.peek() !== ',') break;
      this.p++;
    }
    this.take(')');
    return { op: 'matcher', name, args };
  }
  /** The token left over after a whole rule, if any. */
  rest = () => this.toks[this.p];
}

/** Parses a rule into its tree, or says why it cannot (single quotes, unbalanced parentheses, …). */
export function parseTraefikRule(src: string): RuleNode | { readonly error: string } {
  const toks = tokenize(src);
  if (typeof toks === 'string') return { error: toks };
  if (!toks.length) return { error: 'empty rule' };
  const parser = new RuleParser(toks);
  const n = parser.or();
  if (parser.error) return { error: parser.error };
  const rest = parser.rest();
  return rest ? { error: `unexpected ${rest.v}` } : n;
}

/**
 * Kleene's three-valued `&&` (`||` when `absorbing` is true): the absorbing value decides whatever the other side
 * is; otherwise unknown if either side is.
 */
function combine(absorbing: boolean, a: Truth, b: () => Truth): Truth {
  if (a === absorbing) return absorbing;
  const x = b();
  if (x === absorbing) return absorbing;
  return a === 'unknown' || x === 'unknown' ? 'unknown' : !absorbing;
}

/** Evaluates a parsed rule for one request; `why` collects the matchers kubetwin could not decide. */
export function evalTraefikRule(n: RuleNode, req: HttpRequest, why: string[]): Truth {
  switch (n.op) {
    case 'and':
      return combine(false, evalTraefikRule(n.left, req, why), () => evalTraefikRule(n.right, req, why));
    case 'or':
      return combine(true, evalTraefikRule(n.left, req, why), () => evalTraefikRule(n.right, req, why));
    case 'not': {
      const v = evalTraefikRule(n.arg, req, why);
      return v === 'unknown' ? v : !v;
    }
    case 'matcher':
      return matcher(n.name, n.args, req, why);
  }
}

function regex(src: string, why: string[], name: string): RegExp | undefined {
  try {
    return new RegExp(src);
  } catch {
    why.push(`${name}(\`${src}\`): the Go regexp is not valid in JavaScript`);
    return undefined;
  }
}

/** Arity of each modeled matcher (v3: one value, two for Header*, Query*). */
const arity: Readonly<Record<string, number>> = {
  Host: 1,
  HostRegexp: 1,
  Path: 1,
  PathPrefix: 1,
  PathRegexp: 1,
  Method: 1,
  Header: 2,
  HeaderRegexp: 2,
  Query: 2,
  QueryRegexp: 2,
};

function matcher(name: string, args: readonly string[], req: HttpRequest, why: string[]): Truth {
  // Built only for a note: this runs once per router per request.
  const shown = () => `${name}(${args.map((a) => `\`${a}\``).join(', ')})`;
  if (arity[name] === undefined) {
    why.push(
      name === 'ClientIP'
        ? `${shown()}: a route request carries no client address`
        : ['Headers', 'HeadersRegexp', 'HostHeader'].includes(name)
          ? `${shown()} is Traefik v2 rule syntax (routes[].syntax v2 or core.defaultRuleSyntax), not modeled`
          : `${shown()}: matcher not modeled`,
    );
    return 'unknown';
  }
  if (args.length !== arity[name]) {
    why.push(`${shown()}: ${args.length} values (v3 takes ${arity[name]}; several values are v2 syntax)`);
    return 'unknown';
  }
  const [a, b] = args;
  const test = (src: string, v: string) => {
    const re = regex(src, why, name);
    return re ? re.test(v) : 'unknown';
  };
  switch (name) {
    case 'Host':
      if (a.includes('*')) {
        why.push(`${shown()}: wildcard Host matching is not modeled`);
        return 'unknown';
      }
      return a.toLowerCase() === req.host.toLowerCase();
    case 'HostRegexp':
      return test(a, req.host);
    case 'Path':
      return a === req.path;
    case 'PathPrefix':
      return req.path.startsWith(a);
    case 'PathRegexp':
      return test(a, req.path);
    case 'Method':
      return a.toUpperCase() === req.method.toUpperCase();
    case 'Header':
      return req.headers[a.toLowerCase()] === b;
    case 'HeaderRegexp': {
      const v = req.headers[a.toLowerCase()];
      return v === undefined ? false : test(b, v);
    }
    case 'Query':
      return req.query.some(([k, v]) => k === a && v === b);
    default: {
      const re = regex(b, why, name);
      return re ? req.query.some(([k, v]) => k === a && re.test(v)) : 'unknown';
    }
  }
}
