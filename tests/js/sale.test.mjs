// Unit tests of the 厂房 tab's 售价 (landkit/maps/assets/js/pure.js): the card's price text, the 售价
// range filter in the predicate and in the URL state.
// Run: node --test tests/js/ (tests/test_maps_js.py does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

const SRC = readFileSync(new URL('../../landkit/maps/assets/js/pure.js', import.meta.url), 'utf8');
const P = runInNewContext(SRC + '\n;({ emptyState, stateToHash, hashToState, makePredicate, saleText });');
const S = { sale_label: '售价', sale_unit: '元/m²', sale_total: '总价', sale_total_unit: '万元' };

test('saleText: per m² rounded to the yuan, total in 万元, unknown parts left out', () => {
  assert.equal(P.saleText(3359.6153, 349.4, S), '售价 3,360 元/m² · 总价 349.4 万元');
  assert.equal(P.saleText(3200, null, S), '售价 3,200 元/m²');
  assert.equal(P.saleText(NaN, 153.6, S), '总价 153.6 万元');
  assert.equal(P.saleText(null, undefined, S), '');
});

test('the 售价 range keeps units priced within it; a unit without a price fails a set bound', () => {
  const prices = [3200, 2600, NaN, 3360];
  const ctx = { keys: ['a', 'b', 'c', 'd'], catKeys: [], zoneIds: [], area: [1, 1, 1, 1], unit: [null, null, null, null],
    ranges: [{ key: 'sp', v: prices }], sets: [], searchText: ['', '', '', ''], favSet: {} };
  const s = P.emptyState();
  s.sp = ['3000', ''];
  const keep = P.makePredicate(ctx, s);
  assert.deepEqual(ctx.keys.filter((k, i) => keep(i)), prices.map((p, i) => (p >= 3000 ? ctx.keys[i] : null)).filter(Boolean));
  s.sp = ['', ''];
  const all = P.makePredicate(ctx, s);
  assert.deepEqual(ctx.keys.filter((k, i) => all(i)), ['a', 'b', 'c', 'd']);
});

test('the 售价 range travels in the share link', () => {
  const s = P.emptyState();
  s.tab = 'units';
  s.sp = ['2500', '3300'];
  const h = P.stateToHash(s, P.emptyState(), null);
  assert.ok(h.includes('sp=2500~3300'));
  assert.deepEqual(JSON.parse(JSON.stringify(P.hashToState('#' + h, P.emptyState()).state.sp)), ['2500', '3300']);
});
