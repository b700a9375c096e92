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

function emptyState() {
  return { q: '', cat: [], st: [], os: [], z: [], use: [], town: '', a: ['', ''], p: ['', ''], u: ['', ''],
    sort: '', fav: false, favKeys: [], demand: '' };
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
  put('q', s.q);
  if (s.cat.length) p.push('cat=' + list(s.cat));
  if (s.st.length) p.push('st=' + list(s.st));
  if (!sameList(s.os, defaults.os)) p.push('os=' + (s.os.length ? list(s.os) : '*'));
  if (s.z.length) p.push('z=' + list(s.z));
  if (s.use.length) p.push('use=' + list(s.use));
  put('town', s.town);
  ['a', 'p', 'u'].forEach(function (k) { if (s[k][0] !== '' || s[k][1] !== '') put(k, s[k][0] + '~' + s[k][1]); });
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
    if (k === 'q' || k === 'sort' || k === 'town' || k === 'demand') s[k] = v;
    else if (k === 'cat' || k === 'st' || k === 'z' || k === 'use' || k === 'fk') s[k === 'fk' ? 'favKeys' : k] = list(raw);
    else if (k === 'os') s.os = raw === '*' ? [] : list(raw);
    else if (k === 'a' || k === 'p' || k === 'u') s[k] = (v.split('~').concat(['', ''])).slice(0, 2);
    else if (k === 'fav') s.fav = v === '1';
    else if (k === 'sel') sel = v;
  });
  return { state: s, sel: sel };
}

/**
 * The filter predicate for state s over the page's columns (ctx): returns k → true/false.
 * ctx: {cat, catKeys, st, os, use, town, zonesOf, zoneIds, area, price, unit, keys, favSet, searchText}
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
    if (s.fav && !ctx.favSet[ctx.keys[k]] && !shared[ctx.keys[k]]) return false;
    if (terms.length) {
      var txt = ctx.searchText[k];
      for (var t = 0; t < terms.length; t++) if (txt.indexOf(terms[t]) < 0) return false;
    }
    return true;
  };
}
