// Unit tests of ?demand=ID on a page with the 厂房 tab (landkit/maps/assets/js/pure.js): which tab the
// link opens on, and that the predicate keeps exactly the demand's pushed units there.
// Run: node --test tests/js/ (tests/test_maps_js.py does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

const SRC = readFileSync(new URL('../../landkit/maps/assets/js/pure.js', import.meta.url), 'utf8');
const P = runInNewContext(SRC + '\n;({ emptyState, makePredicate, openingTab, toSet });');
const units = new Set(['U-1', 'U-2', 'U-3']);
const isUnit = (k) => units.has(k);
const LAND = { D01: ['431281GB1', '431281GB2'], D05: ['431281GB3'] };
const UNITS = { D05: ['U-2'], D20: ['U-1', 'U-3'] };

test('openingTab: a demand that pushed only units opens the 厂房 tab', () => {
  assert.equal(P.openingTab('', 'D20', isUnit, LAND, UNITS), 'units');
  assert.equal(P.openingTab('', 'D01', isUnit, LAND, UNITS), '');  // parcels only: the land
  assert.equal(P.openingTab('', 'D05', isUnit, LAND, UNITS), '');  // both: the land first
  assert.equal(P.openingTab('', 'D99', isUnit, LAND, UNITS), '');  // unknown: the land (it says 共 0 宗)
  assert.equal(P.openingTab('', '', isUnit, LAND, UNITS), '');
  assert.equal(P.openingTab('', 'D20', isUnit, LAND, undefined), '');  // no unit lists on the page
  assert.equal(P.openingTab('', 'toString', isUnit, LAND, UNITS), '');  // no prototype keys
});

test('openingTab: what the hash says wins over the demand', () => {
  assert.equal(P.openingTab('#tab=land', 'D20', isUnit, LAND, UNITS), '');
  assert.equal(P.openingTab('#tab=units', 'D01', isUnit, LAND, UNITS), 'units');
  assert.equal(P.openingTab('#sel=431281GB1', 'D20', isUnit, LAND, UNITS), '');
  assert.equal(P.openingTab('#sel=U-1', 'D01', isUnit, LAND, UNITS), 'units');
  assert.equal(P.openingTab('#fav=1&fk=431281GB2', 'D20', isUnit, LAND, UNITS), '');
  assert.equal(P.openingTab('#q=%E5%8E%82', 'D20', isUnit, LAND, UNITS), 'units');  // a search keeps the rule
});

test('on the 厂房 tab the demand keeps exactly its pushed units, whatever their 招租状态', () => {
  const keys = ['U-1', 'U-2', 'U-3'];
  const ctx = { keys, demands: { D20: P.toSet(UNITS.D20) }, os: ['let', 'for_rent', 'let'], catKeys: [], zoneIds: [],
    area: [1, 2, 3], unit: [null, null, null], ranges: [], sets: [], searchText: ['', '', ''], favSet: {} };
  const s = P.emptyState();
  s.demand = 'D20';
  s.os = [];
  const keep = P.makePredicate(ctx, s);
  // An independent answer: the list itself.
  assert.deepEqual(keys.filter((k, i) => keep(i)), ['U-1', 'U-3']);
  s.demand = 'D01';  // a land demand on the units' tab: nothing, never everything
  const none = P.makePredicate(ctx, s);
  assert.deepEqual(keys.filter((k, i) => none(i)), []);
});
