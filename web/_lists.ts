/** The selection panel, the matrix table and the findings list. */
import { $, getJson, h, qs } from './_dom.ts';
import { sourceLink } from './_ask-view.ts';
import type { Finding, GraphResponse, PlacedEdge } from './_types.ts';

interface Selection {
  id: string;
  kind: string;
  source?: string;
  endpoints: { pod: string; ip: string; ready: boolean; node: string }[];
  services: {
    name: string;
    type: string;
    clusterIP: string;
    ports: string[];
    dns: string;
    source?: string;
  }[];
  policies: { ingress: { key: string; source: string }[]; egress: { key: string; source: string }[] };
  findings: Finding[];
}

const list = (items: (string | Node)[], empty: string) =>
  items.length ? h('ul', {}, ...items.map((i) => h('li', {}, i))) : h('p', { class: 'note' }, empty);

export async function showSelection(
  g: GraphResponse,
  id: string,
  onEdge: (e: PlacedEdge) => void,
  ask: (end: 'from' | 'to', id: string) => void,
): Promise<void> {
  const panel = $('selection');
  const node = g.layout.nodes.find((n) => n.id === id);
  const edges = g.layout.edges.filter((e) => e.from === id || e.to === id);
  const edgeButtons = edges.map((e) => {
    const b = h('button', { type: 'button', class: 'src' }, `${e.from} → ${e.to} :${e.label} (${e.verdict})`);
    b.onclick = () => onEdge(e);
    return b;
  });
  const askFrom = h('button', { type: 'button' }, 'ask from here');
  askFrom.onclick = () => ask('from', id);
  const askTo = h('button', { type: 'button' }, 'ask to here');
  askTo.onclick = () => ask('to', id);
  const head = [
    h('h2', {}, 'Selection'),
    h(
      'p',
      {},
      h('b', {}, id),
      node?.count ? ` — ${node.count} objects (click its name in the filters to expand)` : '',
    ),
    h('p', {}, askFrom, ' ', askTo),
  ];
  if (
    node?.kind === 'namespace' ||
    node?.kind === 'outside' ||
    node?.kind === 'gateway' ||
    !id.includes('/')
  ) {
    panel.replaceChildren(...head, h('h3', {}, 'Edges'), list(edgeButtons, 'none'));
    return;
  }
  try {
    const s = await getJson<Selection>(`/api/node?${qs({ id })}`);
    panel.replaceChildren(
      ...head,
      h('p', { class: 'note' }, `${s.kind}${s.source ? ` at ${s.source}` : ''}`),
      h('h3', {}, 'Endpoints'),
      list(
        s.endpoints.map((e) => `${e.pod} ${e.ip || '(no IP)'} ${e.ready ? 'ready' : 'not ready'}`),
        'no pods',
      ),
      h('h3', {}, 'Services and DNS names'),
      list(
        s.services.map((x) => `${x.name} (${x.type} ${x.clusterIP} ${x.ports.join(' ')}) — ${x.dns}`),
        'no Service selects it',
      ),
      h('h3', {}, 'Policies (ingress)'),
      list(
        s.policies.ingress.map((p) => `${p.key} ${p.source}`),
        'not isolated for ingress: everything may connect',
      ),
      h('h3', {}, 'Policies (egress)'),
      list(
        s.policies.egress.map((p) => `${p.key} ${p.source}`),
        'not isolated for egress',
      ),
      h('h3', {}, 'Findings'),
      list(
        s.findings.map((f) => `${f.severity} ${f.code}: ${f.message}`),
        'none',
      ),
      h('h3', {}, 'Edges'),
      list(edgeButtons, 'none'),
    );
  } catch (e) {
    panel.replaceChildren(...head, h('p', { class: 'fail' }, (e as Error).message));
  }
}

export async function showMatrix(namespaces: Set<string>, port: string): Promise<void> {
  const by = ($('matrix-by') as HTMLSelectElement).value;
  const denied = ($('matrix-denied') as HTMLInputElement).checked;
  const out = $('matrix');
  out.replaceChildren(h('p', { class: 'note' }, 'computing…'));
  const m = await getJson<{
    entries: {
      from: string;
      to: string;
      port: number;
      protocol: string;
      pairs: number;
      allowedPairs: number;
    }[];
    warnings: string[];
    truncated?: number;
  }>(`/api/matrix?${qs({ by, namespace: [...namespaces].join(',') })}`);
  const rows = m.entries.filter((e) => (!port || String(e.port) === port) && (denied || e.allowedPairs > 0));
  out.replaceChildren(
    ...m.warnings.map((w) => h('p', { class: 'warn' }, w)),
    m.truncated ? h('p', { class: 'note' }, `first 5000 of ${m.truncated} entries`) : '',
    h(
      'table',
      { id: 'matrix-table' },
      h(
        'tr',
        {},
        h('th', {}, 'from'),
        h('th', {}, 'to'),
        h('th', {}, 'port'),
        h('th', {}, 'verdict'),
        h('th', {}, 'pod pairs allowed'),
      ),
      ...rows.map((e) => {
        const v = e.allowedPairs === 0 ? 'denied' : e.allowedPairs === e.pairs ? 'allowed' : 'partial';
        return h(
          'tr',
          {},
          h('td', {}, e.from),
          h('td', {}, e.to),
          h('td', {}, `${e.port}/${e.protocol}`),
          h('td', { class: v }, v),
          h('td', {}, `${e.allowedPairs}/${e.pairs}`),
        );
      }),
    ),
  );
}

export async function showFindings(): Promise<void> {
  const fs = await getJson<Finding[]>('/api/findings');
  $('findings').replaceChildren(
    h('h2', {}, `Findings (${fs.length})`),
    h('div', { id: 'findings-source', 'aria-live': 'polite' }),
    ...fs.map((f) =>
      h(
        'article',
        { class: 'finding' },
        h('h3', {}, h('span', { class: f.severity }, f.severity), ' ', h('code', {}, f.code)),
        h('p', {}, f.message),
        f.breaks ? h('p', {}, h('b', {}, 'breaks: '), f.breaks) : '',
        h('p', {}, h('b', {}, 'fix: '), f.fix),
        f.patch ? h('pre', {}, f.patch) : '',
        h(
          'p',
          {},
          ...f.objects.flatMap((o) => [
            o.key,
            ' ',
            o.source ? sourceLink(o.source, 'findings-source') : '',
            ' ',
          ]),
        ),
      ),
    ),
  );
}
