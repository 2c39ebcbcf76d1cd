import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import { compileBlock } from '../policy/index.ts';
import { BlockHitIndex } from './_ip-block-hits.ts';

/** The reference: every pod tested against the block and its excepts. */
function bruteForce(ips: readonly (readonly string[])[], cidr: string, excepts: readonly string[]) {
  const block = parseCidr(cidr)!;
  const cut = excepts.map((e) => parseCidr(e)).filter((c) => !!c);
  const hits = ips.flatMap((list, i) =>
    list.some((text) => {
      const a = parseIP(text);
      return !!a && cidrContains(block, a) && !cut.some((c) => cidrContains(c, a));
    })
      ? [i]
      : [],
  );
  return { count: hits.length, first: hits.length ? hits[0] : -1 };
}

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

test('BlockHitIndex finds the pods an ipBlock matches on the engine address segments as testing every pod does (excepts, both families, two addresses of one family)', () => {
  const rand = random(7);
  const int = (n: number) => Math.floor(rand() * n);
  const v4 = () => `10.${int(4)}.${int(4)}.${int(8)}`;
  const v6 = () => `fd00::${int(4).toString(16)}:${int(16).toString(16)}`;
  let matched = 0;
  for (const shared of [false, true]) {
    const ips = Array.from({ length: 300 }, () => {
      const list = int(5) ? [v4()] : [];
      if (int(3) === 0) list.push(v6());
      if (shared && int(10) === 0) list.push(v4());
      if (int(50) === 0) list.push('not-an-ip');
      return list;
    });
    const blocks = Array.from({ length: 400 }, () => {
      const six = int(4) === 0;
      const cidr = six
        ? `fd00::${int(4).toString(16)}:0/${[112, 120, 124, 128][int(4)]}`
        : `10.${int(4)}.${int(4)}.0/${[14, 16, 22, 24, 29, 32][int(6)]}`;
      const excepts = Array.from({ length: int(4) }, () =>
        int(4) === 0 ? `${v6()}/126` : `${v4()}/${[22, 24, 30, 31, 32][int(5)]}`,
      );
      if (int(20) === 0) excepts.push('bad');
      return { cidr, excepts, block: compileBlock(cidr, excepts)! };
    });
    // Every block at once, as the matrix warning indexes them: the segments are cut at all their boundaries.
    const index = new BlockHitIndex(
      blocks.map((b) => b.block),
      ips,
    );
    for (const { cidr, excepts, block } of blocks) {
      const want = bruteForce(ips, cidr, excepts);
      if (want.count) matched++;
      assert.deepEqual(index.hits(block), want, `${cidr} except ${excepts.join(',')}`);
    }
  }
  assert.ok(matched > 200, `only ${matched} of 800 blocks matched a pod: the comparison would prove little`);
});

test('BlockHitIndex: no pod of the family, and a block every except covers, match nothing', () => {
  const six = compileBlock('fd00::/64', [])!;
  const covered = compileBlock('10.0.0.0/24', ['10.0.0.0/25', '10.0.0.0/30'])!;
  const one = compileBlock('10.0.0.0/24', ['10.0.0.1/32'])!;
  const index = new BlockHitIndex([six, covered, one], [['10.0.0.1'], ['10.0.0.2']]);
  assert.deepEqual(index.hits(six), { count: 0, first: -1 });
  assert.deepEqual(index.hits(covered), { count: 0, first: -1 });
  assert.deepEqual(index.hits(one), { count: 1, first: 1 });
});
