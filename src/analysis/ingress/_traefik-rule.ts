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

function tokenize(src: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) i++;
    else if ('(),!'.includes(c)) (out.push({ t: c as Token['t'], v: c }), i++);
    else if (src.startsWith('&&', i) || src.startsWith('||', i))
      (out.push({ t: src.slice(i, i + 2) as Token['t'], v: '' }), (i += 2));
    else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) return `unterminated backtick at ${i}`;
      out.push({ t: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== '"') ((v += src[j] === '\\' ? src[++j] : src[j]), j++);
      if (j >= src.length) return `unterminated string at ${i}`;
      out.push({ t: 'str', v });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      const m = /^[A-Za-z0-9]+/.exec(src.slice(i))![0];
      out.push({ t: 'id', v: m });
      i += m.length;
    } else return `unexpected "${c}" at ${i}`;
  }
  return out;
}

/** Parses a rule into its tree, or says why it cannot (single quotes, unbalanced parentheses, …). */
export function parseTraefikRule(src: string): RuleNode | { readonly error: string } {
  const toks = tokenize(src);
  if (typeof toks === 'string') return { error: toks };
  let p = 0;
  const fail = (why: string) => {
    throw new Error(why);
  };
  const expect = (t: Token['t']) => (toks[p]?.t === t ? toks[p++] : fail(`expected ${t} at token ${p}`));
  const or = (): RuleNode => {
    let left = and();
    while (toks[p]?.t === '||') (p++, (left = { op: 'or', left, right: and() }));
    return left;
  };
  const and = (): RuleNode => {
    let left = unary();
    while (toks[p]?.t === '&&') (p++, (left = { op: 'and', left, right: unary() }));
    return left;
  };
  const unary = (): RuleNode => {
    const t = toks[p];
    if (t?.t === '!') return (p++, { op: 'not', arg: unary() });
    if (t?.t === '(') {
      p++;
      const n = or();
      expect(')');
      return n;
    }
    const name = expect('id')!.v;
    expect('(');
    const args: string[] = [];
    while (toks[p]?.t === 'str') {
      args.push(toks[p++].v);
      if (toks[p]?.t !== ',') break;
      p++;
    }
    expect(')');
    return { op: 'matcher', name, args };
  };
  try {
    if (!toks.length) return { error: 'empty rule' };
    const n = or();
    if (p < toks.length) return { error: `unexpected token ${toks[p].t} ${toks[p].v}`.trim() };
    return n;
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const and3 = (a: Truth, b: () => Truth): Truth =>
  a === false
    ? false
    : ((x) => (x === false ? false : a === 'unknown' || x === 'unknown' ? 'unknown' : true))(b());
const or3 = (a: Truth, b: () => Truth): Truth =>
  a === true
    ? true
    : ((x) => (x === true ? true : a === 'unknown' || x === 'unknown' ? 'unknown' : false))(b());

/** Evaluates a parsed rule for one request; `why` collects the matchers kubetwin could not decide. */
export function evalTraefikRule(n: RuleNode, req: HttpRequest, why: string[]): Truth {
  switch (n.op) {
    case 'and':
      return and3(evalTraefikRule(n.left, req, why), () => evalTraefikRule(n.right, req, why));
    case 'or':
      return or3(evalTraefikRule(n.left, req, why), () => evalTraefikRule(n.right, req, why));
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
  const shown = `${name}(${args.map((a) => `\`${a}\``).join(', ')})`;
  if (arity[name] === undefined) {
    why.push(
      name === 'ClientIP'
        ? `${shown}: a route request carries no client address`
        : ['Headers', 'HeadersRegexp', 'HostHeader'].includes(name)
          ? `${shown} is Traefik v2 rule syntax (routes[].syntax v2 or core.defaultRuleSyntax), not modeled`
          : `${shown}: matcher not modeled`,
    );
    return 'unknown';
  }
  if (args.length !== arity[name]) {
    why.push(`${shown}: ${args.length} values (v3 takes ${arity[name]}; several values are v2 syntax)`);
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
        why.push(`${shown}: wildcard Host matching is not modeled`);
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
