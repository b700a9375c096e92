// Unit tests of the 厂房 tab's pure parts (landkit/maps/assets/js/pure.js): the tab in the URL state,
// the range/set filters the tab adds to the predicate, and the card's summary and rent lines.
// Run: node --test tests/js/ (tests/test_maps_js.py does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

const SRC = readFileSync(new URL('../../landkit/maps/assets/js/pure.js', import.meta.url), 'utf8');
const plain = (v) => JSON.parse(JSON.stringify(v));
const P = runInNewContext(SRC + '\n;({ emptyState, stateToHash, hashToState, makePredicate, hashTab, unitSummary,'
  + ' rentText });');
const S = { floor_unit: '层', height_short: '层高', load_short: '荷载', rent_label: '租金', rent_unit: '元/m²·月' };

test('URL state round trip keeps the tab, the 园区 chips and the units ranges', () => {
  const defaults = P.emptyState();
  defaults.os = ['for_rent'];
  defaults.tab = 'units';
  const s = P.emptyState();
  Object.assign(s, { tab: 'units', os: ['for_rent'], pk: ['标厂一期', 'A,B&C'], m: ['500', ''], r: ['', '12.5'],
    h: ['8', ''], ld: ['20', '50'], fav: true, favKeys: ['标厂一期-1#-102'] });
  const h = P.stateToHash(s, defaults, '标厂一期-1#-102');
  assert.ok(h.startsWith('tab=units&'));
  assert.ok(!h.includes('os='));
  const back = P.hashToState('#' + h, defaults);
  assert.deepEqual(plain(back.state), plain(s));
  assert.equal(back.sel, '标厂一期-1#-102');
  // the land's opening state writes no tab at all
  assert.equal(P.stateToHash(P.emptyState(), P.emptyState(), null), '');
});

test('hashTab: tab= decides; else a selected or shared key that is a unit opens the units', () => {
  const units = new Set(['U-1', 'U-2']);
  const isUnit = (k) => units.has(k);
  assert.equal(P.hashTab('#tab=units&q=x', isUnit), 'units');
  assert.equal(P.hashTab('#tab=land', isUnit), '');
  assert.equal(P.hashTab('#tab=evil%3Cscript', isUnit), '');
  assert.equal(P.hashTab('#sel=U-1', isUnit), 'units');  // a print sheet's link: #sel=<unit id>
  assert.equal(P.hashTab('#sel=431281GB1', isUnit), '');
  assert.equal(P.hashTab('#fav=1&fk=U-1,U-2', isUnit), 'units');
  assert.equal(P.hashTab('#fav=1&fk=U-1,431281GB1', isUnit), '');  // mixed: the land (the default)
  assert.equal(P.hashTab('', isUnit), '');
});

test('range and set filters of the units agree with a plain re-implementation; unknown values never pass', () => {
  const n = 400;
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const parks = ['标厂一期', '标厂二期', '创业园'];
  const area = [], height = [], load = [], rent = [], park = [], keys = [];
  for (let k = 0; k < n; k++) {
    area.push(rnd() * 3000);
    height.push(rnd() < 0.2 ? NaN : 3 + Math.floor(rnd() * 8));
    load.push(rnd() < 0.2 ? null : Math.round(rnd() * 40));
    rent.push(rnd() < 0.3 ? NaN : Math.round(rnd() * 20));
    park.push(parks[Math.floor(rnd() * 3)]);
    keys.push('u' + k);
  }
  const nan = new Array(n).fill(NaN);
  const ctx = { cat: null, catKeys: [], st: null, os: null, use: null, town: null, zonesOf: new Array(n).fill([]),
    zoneIds: [], area: nan, price: null, unit: nan, keys, favSet: {}, searchText: new Array(n).fill(''),
    ranges: [{ key: 'm', v: area }, { key: 'r', v: rent }, { key: 'h', v: height }, { key: 'ld', v: load }],
    sets: [{ key: 'pk', v: park }] };
  const s = P.emptyState();
  Object.assign(s, { m: ['500', '2500'], h: ['6', ''], ld: ['', '30'], pk: ['标厂一期', '创业园'] });
  const keep = P.makePredicate(ctx, s);
  const got = [], want = [];
  for (let k = 0; k < n; k++) {
    if (keep(k)) got.push(k);
    const ok = area[k] >= 500 && area[k] <= 2500 && height[k] >= 6 && load[k] !== null && load[k] <= 30
      && (park[k] === '标厂一期' || park[k] === '创业园');
    if (ok) want.push(k);
  }
  assert.ok(want.length > 10);
  assert.deepEqual(got, want);
  // no units filter set: everything passes, whatever is unknown
  assert.equal([...Array(n).keys()].filter(P.makePredicate(ctx, P.emptyState())).length, n);
  // a bad range is flagged elsewhere and filters nothing
  const bad = P.emptyState();
  bad.h = ['9', '3'];
  assert.equal([...Array(n).keys()].filter(P.makePredicate(ctx, bad)).length, n);
  // the land's ctx has no ranges/sets: units keys in the state change nothing there
  const land = Object.assign({}, ctx, { ranges: undefined, sets: undefined });
  assert.equal([...Array(n).keys()].filter(P.makePredicate(land, s)).length, n);
});

test('a unit card summary leaves unknown parts out; rent says nothing when unknown', () => {
  assert.equal(P.unitSummary({ area: 1600, floor: 1, height: 8, load: 30 }, S), '1,600 m² · 1层 · 层高 8 m · 荷载 30 kN/m²');
  assert.equal(P.unitSummary({ area: 640.5, floor: null, height: NaN, load: undefined }, S), '640.5 m²');
  assert.equal(P.unitSummary({}, S), '');
  assert.equal(P.rentText(12, S), '租金 12 元/m²·月');
  assert.equal(P.rentText(null, S), '');
  assert.equal(P.rentText(NaN, S), '');
});
