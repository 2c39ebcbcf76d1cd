/**
 * The reply cache is bounded as CoreDNS's cache plugin is (https://coredns.io/plugins/cache/): CAPACITY replies per
 * store (success, denial), each kept for its TTL held between MINTTL and the TTL cap.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cacheBounds, ReplyCache } from './_reply-cache.ts';

const reply = (n: number) => Buffer.from([0, 0, n]);

describe('reply cache (CoreDNS cache plugin bounds)', () => {
  it('keeps at most CAPACITY replies per store, evicting one at random, the other store untouched', () => {
    const c = new ReplyCache({ ...cacheBounds(undefined), successCapacity: 2, denialCapacity: 1 }, () => 0);
    c.set('a', reply(1), 30, false);
    c.set('b', reply(2), 30, false);
    c.set('x', reply(9), 30, true);
    c.set('c', reply(3), 30, false);
    assert.deepEqual([...c.get('c')!], [3]);
    assert.equal([c.get('a'), c.get('b')].filter(Boolean).length, 1, 'one of a and b was evicted');
    assert.deepEqual([...c.get('x')!], [9]);
    assert.equal(c.size, 3);
  });

  it('still hits most of the time when a loop asks more names than CAPACITY (random eviction, as CoreDNS)', () => {
    const c = new ReplyCache({ ...cacheBounds(undefined), denialCapacity: 1000 }, () => 0);
    let hits = 0;
    for (let pass = 0; pass < 5; pass++)
      for (let i = 0; i < 1010; i++) {
        if (c.get(`n${i}`)) hits++;
        else c.set(`n${i}`, reply(i & 255), 30, true);
      }
    assert.equal(c.size, 1000);
    assert.ok(hits > 4 * 1010 * 0.9, `${hits} hits`);
  });

  it('replaces an entry set again and frees its place when it expires', () => {
    let now = 0;
    const c = new ReplyCache({ ...cacheBounds(undefined), successCapacity: 2 }, () => now);
    c.set('a', reply(1), 10, false);
    c.set('a', reply(2), 10, false);
    assert.equal(c.size, 1);
    assert.deepEqual([...c.get('a')!], [2]);
    c.set('b', reply(3), 60, false);
    now = 20;
    assert.equal(c.get('a'), undefined);
    assert.equal(c.size, 1);
    c.set('c', reply(4), 60, false);
    assert.ok(c.get('b') && c.get('c'));
  });

  it('expires a reply after its TTL, held between MINTTL and the cap (cache 30: default MINTTL 5)', () => {
    let now = 0;
    const c = new ReplyCache(
      cacheBounds({
        successTTL: 30,
        denialTTL: 30,
        successMinTTL: 5,
        denialMinTTL: 5,
        successCapacity: 9984,
        denialCapacity: 9984,
      }),
      () => now,
    );
    c.set('long', reply(1), 3600, false); // capped at 30 s
    c.set('short', reply(2), 1, true); // raised to 5 s
    now = 4;
    assert.ok(c.get('short'));
    now = 5;
    assert.equal(c.get('short'), undefined);
    now = 29;
    assert.ok(c.get('long'));
    now = 30;
    assert.equal(c.get('long'), undefined);
  });

  it("caches nothing when a store has CAPACITY 0; the defaults are CoreDNS's 9984 per store", () => {
    const c = new ReplyCache({ ...cacheBounds(undefined), successCapacity: 0 }, () => 0);
    c.set('a', reply(1), 30, false);
    assert.equal(c.get('a'), undefined);
    assert.equal(cacheBounds(undefined).successCapacity, 9984);
    assert.equal(cacheBounds(undefined).denialCapacity, 9984);
  });
});
