/* Pure helpers of the browse page: no DOM, no Leaflet, no globals.
 * Unit-tested directly with node's test runner (tests/js/pure.test.mjs loads this file alone).
 */

/** A range input's text as a number; '' / null → NaN (no bound). */
function num(v) {
  if (v === '' || v === null || v === undefined) return NaN;
  var s = String(v).trim();
  return /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? parseFloat(s) : NaN;
}

/** A [min, max] pair of input texts: the bounds and what is wrong with them ('' if nothing). */
function rangeOf(pair) {
  var lo = num(pair[0]), hi = num(pair[1]), problem = '';
  var loBad = pair[0] !== '' && pair[0] !== undefined && lo !== lo;
  var hiBad = pair[1] !== '' && pair[1] !== undefined && hi !== hi;
  if (loBad || hiBad) problem = 'nan';
  else if (lo === lo && hi === hi && lo > hi) problem = 'order';
  return { lo: lo, hi: hi, problem: problem, loBad: loBad || problem === 'order', hiBad: hiBad || problem === 'order' };
}

/** Does value v pass range r? A bad range filters nothing (it is flagged instead). */
function inRange(v, r) {
  if (r.problem) return true;
  if (r.lo === r.lo && !(v >= r.lo)) return false;
  if (r.hi === r.hi && !(v <= r.hi)) return false;
  return true;
}

/** null/undefined → NaN, so an unknown value never passes a bound (null <= 10 is true in JS). */
function numOrNaN(v) { return v === null || v === undefined ? NaN : v; }

function toSet(arr) {
  var o = {};
  for (var i = 0; i < arr.length; i++) o[arr[i]] = true;
  return o;
}

function distinct(vals) {
  if (!vals) return [];
  var seen = {}, out = [];
  for (var i = 0; i < vals.length; i++) {
    var v = vals[i];
    if (v !== null && v !== undefined && !seen[v]) { seen[v] = true; out.push(v); }
  }
  return out.sort();
}

/** Text made safe for the few places Leaflet takes HTML (layer-control labels). */
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}

/**
 * One CSV cell, safe for Excel: text that would start a formula is prefixed with ' (inert);
 * a digit string Excel would turn into a number and spoil (leading zero as in 地类编码 0701,
 * or more than 15 digits) is written as ="…", a constant text formula made only from digits.
 */
function csvCell(v) {
  var s = String(v === null || v === undefined ? '' : v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  else if (/^\d+$/.test(s) && ((s.length > 1 && s.charAt(0) === '0') || s.length > 15)) s = '="' + s + '"';
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function csvText(rows) {
  return '\ufeff' + rows.map(function (r) { return r.map(csvCell).join(','); }).join('\r\n') + '\r\n';
}

/* Range filters by URL key: 面积/总价/单价 of parcels; m² 面积, 租金, 层高, 荷载, 售价 of the 厂房 tab's units. */
var RANGE_KEYS = ['a', 'p', 'u', 'm', 'r', 'h', 'ld', 'sp'];

function emptyState() {
  return { tab: '', q: '', cat: [], st: [], os: [], z: [], use: [], pk: [], town: '', a: ['', ''], p: ['', ''], u: ['', ''],
    m: ['', ''], r: ['', ''], h: ['', ''], ld: ['', ''], sp: ['', ''], sort: '', fav: false, favKeys: [], demand: '' };
}

function sameList(a, b) {
  if (a.length !== b.length) return false;
  var x = a.slice().sort(), y = b.slice().sort();
  for (var i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The URL hash of a filter state; `defaults` is the state the page opens on. */
function stateToHash(s, defaults, sel) {
  var p = [];
  function put(k, v) { if (v !== '' && v !== null && v !== undefined) p.push(k + '=' + encodeURIComponent(v)); }
  function list(a) { return a.map(encodeURIComponent).join(','); }
  put('tab', s.tab);
  put('q', s.q);
  if (s.cat.length) p.push('cat=' + list(s.cat));
  if (s.st.length) p.push('st=' + list(s.st));
  if (!sameList(s.os, defaults.os)) p.push('os=' + (s.os.length ? list(s.os) : '*'));
  if (s.z.length) p.push('z=' + list(s.z));
  if (s.use.length) p.push('use=' + list(s.use));
  if (s.pk.length) p.push('pk=' + list(s.pk));
  put('town', s.town);
  RANGE_KEYS.forEach(function (k) { if (s[k][0] !== '' || s[k][1] !== '') put(k, s[k][0] + '~' + s[k][1]); });
  put('sort', s.sort);
  put('demand', s.demand);
  if (s.fav) {
    p.push('fav=1');
    if (s.favKeys.length) p.push('fk=' + list(s.favKeys));
  }
  if (sel !== null && sel !== undefined) put('sel', sel);
  return p.join('&');
}

/** Parse a URL hash back into {state, sel}; unknown keys are ignored. */
function hashToState(h, defaults) {
  var s = emptyState(), sel = null;
  s.os = defaults.os.slice();
  function list(v) { return v ? v.split(',').map(decodeURIComponent) : []; }
  String(h || '').replace(/^#/, '').split('&').forEach(function (part) {
    if (!part) return;
    var i = part.indexOf('='), k = i < 0 ? part : part.slice(0, i), raw = i < 0 ? '' : part.slice(i + 1), v;
    try { v = decodeURIComponent(raw); } catch (err) { return; }
    if (k === 'q' || k === 'sort' || k === 'town' || k === 'demand' || k === 'tab') s[k] = v;
    else if (k === 'cat' || k === 'st' || k === 'z' || k === 'use' || k === 'pk' || k === 'fk') s[k === 'fk' ? 'favKeys' : k] = list(raw);
    else if (k === 'os') s.os = raw === '*' ? [] : list(raw);
    else if (RANGE_KEYS.indexOf(k) >= 0) s[k] = (v.split('~').concat(['', ''])).slice(0, 2);
    else if (k === 'fav') s.fav = v === '1';
    else if (k === 'sel') sel = v;
  });
  return { state: s, sel: sel };
}

/**
 * The filter predicate for state s over the page's columns (ctx): returns k → true/false.
 * ctx: {cat, catKeys, st, os, use, town, zonesOf, zoneIds, area, price, unit, keys, favSet, searchText}
 * and optionally ranges [{key, v}] (a value array per range key) and sets [{key, v}] (a value per row):
 * the 厂房 tab's m²/租金/层高/荷载 ranges and 园区 chips. A missing value (NaN/null) fails a set bound.
 */
function makePredicate(ctx, s) {
  var catMask = 0;
  s.cat.forEach(function (c) { var i = ctx.catKeys.indexOf(c); if (i >= 0) catMask |= 1 << i; });
  var stSet = toSet(s.st), osSet = toSet(s.os), useSet = toSet(s.use), zSet = {};
  ctx.zoneIds.forEach(function (id, i) { if (s.z.indexOf(id) >= 0) zSet[i] = true; });
  var ra = rangeOf(s.a), rp = rangeOf(s.p), ru = rangeOf(s.u), shared = toSet(s.favKeys || []);
  var priced = !rp.problem && (rp.lo === rp.lo || rp.hi === rp.hi);
  var terms = s.q.toLowerCase().split(/\s+/).filter(Boolean);
  var pushed = s.demand ? ((ctx.demands || {})[s.demand] || {}) : null;  // a push list: keys → true
  var extra = (ctx.ranges || []).map(function (c) { return [c.v, rangeOf(s[c.key] || ['', ''])]; });
  var sets = (ctx.sets || []).filter(function (c) { return (s[c.key] || []).length; })
    .map(function (c) { return [c.v, toSet(s[c.key])]; });
  return function (k) {
    if (pushed && !pushed[ctx.keys[k]]) return false;
    if (catMask && !(ctx.cat && ctx.cat[k] & catMask)) return false;
    if (s.st.length && !(ctx.st && stSet[ctx.st[k]])) return false;
    if (s.os.length && ctx.os && !osSet[ctx.os[k]]) return false;
    if (s.use.length && !(ctx.use && useSet[ctx.use[k]])) return false;
    if (s.town && !(ctx.town && ctx.town[k] === s.town)) return false;
    if (s.z.length) {
      var zs = ctx.zonesOf[k], hit = false;
      for (var z = 0; z < zs.length; z++) if (zSet[zs[z]]) { hit = true; break; }
      if (!hit) return false;
    }
    if (!inRange(ctx.area[k], ra)) return false;
    var p = ctx.price ? ctx.price[k] : null;
    if (priced && (p === null || p === undefined)) return false;
    if (!inRange(p, rp) || !inRange(ctx.unit[k], ru)) return false;
    for (var e = 0; e < extra.length; e++) if (!inRange(numOrNaN(extra[e][0][k]), extra[e][1])) return false;
    for (var m = 0; m < sets.length; m++) if (!sets[m][1][sets[m][0][k]]) return false;
    if (s.fav && !ctx.favSet[ctx.keys[k]] && !shared[ctx.keys[k]]) return false;
    if (terms.length) {
      var txt = ctx.searchText[k];
      for (var t = 0; t < terms.length; t++) if (txt.indexOf(terms[t]) < 0) return false;
    }
    return true;
  };
}

// ---- the 厂房 tab (units.js) ----------------------------------------------------------------
/** The tab a URL hash shows: its tab=, else 'units' when its selected (or shared favourite) keys
 * are all units' (hasUnit(key) → true), so an old #sel=<unit id> link still opens the unit. */
function hashTab(h, hasUnit) {
  var parsed = hashToState(h, emptyState());
  if (parsed.state.tab) return parsed.state.tab === 'units' ? 'units' : '';
  var keys = parsed.sel !== null ? [parsed.sel] : parsed.state.favKeys;
  return keys.length && keys.every(hasUnit) ? 'units' : '';
}

/* The tab a page opens on: hashTab's choice; but ?demand=ID (``asked``) with no tab=, sel= or favourites in
 * the hash opens the 厂房 tab when that demand's push list has units and no parcels (lists: id → keys). */
function openingTab(h, asked, hasUnit, landLists, unitLists) {
  var tab = hashTab(h, hasUnit), parsed = hashToState(h, emptyState());
  if (tab || !asked || parsed.state.tab || parsed.sel !== null || parsed.state.favKeys.length) return tab;
  var land = (landLists || {})[asked] || [], units = (unitLists || {})[asked] || [];
  return !land.length && units.length ? 'units' : '';
}

function numText(v) {
  return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

/** A unit's one-line summary, unknown parts left out: 1,600 m² · 1层 · 层高 8 m · 荷载 30 kN/m². */
function unitSummary(u, S) {
  var out = [];
  function ok(v) { return v !== null && v !== undefined && v === v; }
  if (ok(u.area)) out.push(numText(u.area) + ' m²');
  if (ok(u.floor)) out.push(numText(u.floor) + S.floor_unit);
  if (ok(u.height)) out.push(S.height_short + ' ' + numText(u.height) + ' m');
  if (ok(u.load)) out.push(S.load_short + ' ' + numText(u.load) + ' kN/m²');
  return out.join(' · ');
}

/** 租金 12 元/m²·月, or '' when unknown (the card then says 租金面议 / 已出租). */
function rentText(v, S) {
  return v === null || v === undefined || v !== v ? '' : S.rent_label + ' ' + numText(v) + ' ' + S.rent_unit;
}

/** 售价 3,200 元/m² · 总价 153.6 万元 (either part left out when unknown), or '' when both are. */
function saleText(perM2, totalWan, S) {
  function ok(v) { return v !== null && v !== undefined && v === v; }
  var out = [];
  if (ok(perM2)) out.push(S.sale_label + ' ' + numText(Math.round(perM2)) + ' ' + S.sale_unit);
  if (ok(totalWan)) out.push(S.sale_total + ' ' + numText(totalWan) + ' ' + S.sale_total_unit);
  return out.join(' · ');
}
