// ---- sidebar: search, filters (面积/价格 first), sort, tools ----------------------------------
App.prototype.buildSidebar = function () {
  var self = this, S = this.S;
  document.getElementById('lk-title').textContent = this.data.title;
  document.title = this.data.title;
  if (this.data.internal) {
    var banner = document.getElementById('lk-banner');
    banner.textContent = S.internal_banner;
    banner.hidden = false;
    document.body.classList.add('lk-internal');
  }
  var q = document.getElementById('lk-q');
  q.placeholder = S.search;
  q.setAttribute('aria-label', S.search);
  var qTimer;
  q.addEventListener('input', function () {
    clearTimeout(qTimer);
    qTimer = setTimeout(function () { self.state.q = q.value.trim(); self.apply(); }, 120);
  });
  this._buildDrawer();
  this.chips = {};
  this._buildRanges();
  this._buildTown();
  this._buildChipGroups();
  this._buildTools();
  document.getElementById('lk-empty').textContent = S.no_result;
  this.listEl = document.getElementById('lk-list');
  this.spacerEl = document.getElementById('lk-spacer');
  var ticking = false;
  this.listEl.addEventListener('scroll', function () {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(function () { ticking = false; self.renderCards(false); });
  });
  window.addEventListener('resize', function () { self.renderCards(false); });
};

/* On a phone the sidebar is a bottom drawer: folded it shows the count and the search box. */
App.prototype._buildDrawer = function () {
  var self = this, S = this.S, handle = document.getElementById('lk-handle');
  handle.addEventListener('click', function () {
    document.body.classList.toggle('lk-drawer-open');
    self._syncDrawer();
    self.renderCards(false);
  });
  var close = document.getElementById('lk-sheet-close');
  close.textContent = '×';
  close.title = S.close;
  close.setAttribute('aria-label', S.close);
  close.addEventListener('click', function () { self.select(-1); });
  this._syncDrawer();
};

App.prototype._syncDrawer = function () {
  var open = document.body.classList.contains('lk-drawer-open'), handle = document.getElementById('lk-handle');
  handle.setAttribute('aria-expanded', open ? 'true' : 'false');
  handle.textContent = open ? this.S.drawer_close : this.S.drawer_open;
  handle.title = handle.textContent;
};

App.prototype._group = function (title, parent) {
  var g = el('div', 'lk-group');
  if (title) g.appendChild(el('div', 'lk-group-title', title));
  (parent || document.getElementById('lk-filters')).appendChild(g);
  return g;
};

/* 面积 / 总价 / 单价 ranges (or the 厂房 tab's specs); a bad range (text, negative, min > max) is flagged, not applied. */
App.prototype._buildRanges = function (specs) {
  var self = this, S = this.S;
  this.rangeInputs = {};
  var shown = (specs || [['a', S.area], ['p', S.price], ['u', S.unit_price]])
    .filter(function (pair) { return specs || pair[0] === 'a' || self.cols.asking_price; });
  shown.forEach(function (pair) {
    var g = self._group(pair[1]), r = el('div', 'lk-range'), inputs = [];
    [S.min, S.max].forEach(function (ph, i) {
      var inp = el('input');
      inp.type = 'text'; inp.inputMode = 'decimal'; inp.placeholder = ph; inp.autocomplete = 'off';
      inp.id = 'lk-' + pair[0] + (i ? 'max' : 'min');
      inp.setAttribute('aria-label', pair[1] + ' ' + ph);
      inp.addEventListener('change', function () { self.state[pair[0]][i] = inp.value.trim(); self.apply(); });
      inputs.push(inp);
      r.appendChild(inp);
      if (!i) r.appendChild(document.createTextNode('–'));
    });
    var msg = el('div', 'lk-invalid');
    msg.id = 'lk-' + pair[0] + '-msg';
    msg.hidden = true;
    self.rangeInputs[pair[0]] = inputs;
    g.appendChild(r);
    g.appendChild(msg);
  });
};

App.prototype._buildTown = function () {
  var self = this, S = this.S, towns = distinct(this.col('township'));
  if (!towns.length) return;
  var g = this._group(S.township), sel = el('select', 'lk-select');
  sel.id = 'lk-town';
  sel.setAttribute('aria-label', S.township);
  var all = el('option', null, S.all);
  all.value = '';
  sel.appendChild(all);
  towns.forEach(function (t) { var o = el('option', null, t); o.value = t; sel.appendChild(o); });
  sel.addEventListener('change', function () { self.state.town = sel.value; self.apply(); });
  g.appendChild(sel);
};

App.prototype._chipGroup = function (title, group, items, parent) {
  var self = this;
  if (!items.length) return null;
  var g = this._group(title, parent);
  items.forEach(function (it) {
    var b = el('button', 'lk-chip', it[1]);
    b.type = 'button';
    b.setAttribute('data-group', group);
    b.setAttribute('data-value', it[0]);
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', function () {
      var arr = self.state[group], i = arr.indexOf(it[0]);
      if (i >= 0) arr.splice(i, 1); else arr.push(it[0]);
      self.apply();
    });
    (self.chips[group] || (self.chips[group] = [])).push(b);
    g.appendChild(b);
  });
  return g;
};

/* 用途大类, 供应状态, 片区 (folded), then the internal page's 类别 and 状态. */
App.prototype._buildChipGroups = function () {
  var self = this, S = this.S, box = document.getElementById('lk-filters');
  var classes = distinct(this.col('use_class')), order = this.data.useClasses || [];
  classes.sort(function (a, b) { return (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99); });
  this._chipGroup(S.landuse, 'use', classes.map(function (v) { return [v, v]; }));
  var present = distinct(this.col('offer_state'));
  this._chipGroup(this.label('offer_state'), 'os', Object.keys(this.data.offerStates || {})
    .filter(function (v) { return present.indexOf(v) >= 0; }).map(function (v) { return [v, self.data.offerStates[v]]; }));
  if (this.zoneList.length) {
    var det = el('details', 'lk-group lk-zones');
    det.appendChild(el('summary', 'lk-group-title', S.zone));
    var kinds = this.data.zoneKinds.slice();
    this.zoneList.forEach(function (z) { if (kinds.indexOf(z.kind) < 0) kinds.push(z.kind); });
    kinds.forEach(function (kind) {
      var items = self.zoneList.filter(function (z) { return z.kind === kind; }).map(function (z) { return [z.id, z.name]; });
      if (!items.length) return;
      var sub = el('div', 'lk-zonekind');
      sub.appendChild(el('span', 'lk-subtitle', kind));
      self._chipGroup(null, 'z', items, sub);
      det.appendChild(sub);
    });
    box.appendChild(det);
  }
  var cat = this.col('categories'), bits = 0;
  if (cat) for (var k = 0; k < this.n; k++) bits |= cat[k];
  var cats = this.data.categories;
  this._chipGroup(S.category, 'cat', cats.keys.filter(function (c, b) { return bits & (1 << b); })
    .map(function (c) { return [c, cats.labels[c]]; }));
  this._chipGroup(S.status, 'st', distinct(this.col('status')).map(function (v) { return [v, self.data.statuses[v] || v]; }));
};

App.prototype._buildTools = function () {
  var self = this, S = this.S;
  var sort = document.getElementById('lk-sort');
  document.getElementById('lk-sort-label').textContent = S.sort;
  ['', 'area_desc', 'area_asc', 'price_asc', 'price_desc', 'unit_asc', 'unit_desc', 'listed_desc', 'listed_asc'].forEach(function (v) {
    var o = el('option', null, S[v ? 'sort_' + v : 'sort_default']);
    o.value = v;
    sort.appendChild(o);
  });
  sort.addEventListener('change', function () { self.state.sort = sort.value; self.apply(); });
  function button(id, text, fn) {
    var b = document.getElementById(id);
    if (text) b.textContent = text;
    b.addEventListener('click', fn);
    return b;
  }
  button('lk-reset', S.reset, function () { self.state = self._emptyState(); self.syncControls(); self.apply(); });
  button('lk-favonly', S.only_favourites, function () { self.state.fav = !self.state.fav; self.syncControls(); self.apply(); });
  button('lk-compare-btn', null, function () { self.showCompare(); });
  this._updateCompareButton();
  button('lk-export', S.export_csv, function () { self.exportCSV(); });
  button('lk-print', S.print, function () { self.buildPrintView(); window.print(); });
  button('lk-share', S.share, function () {
    self.writeHash();
    try { navigator.clipboard.writeText(location.href).then(function () { self.toast(S.copied); }, function () { self.toast(location.href); }); }
    catch (err) { self.toast(location.href); }
  });
};

/* Put the controls in step with the state (after reset, a pasted link, a removed chip). */
App.prototype.syncControls = function () {
  var s = this.state, self = this;
  document.getElementById('lk-q').value = s.q;
  Object.keys(this.rangeInputs).forEach(function (k) {
    self.rangeInputs[k][0].value = s[k][0];
    self.rangeInputs[k][1].value = s[k][1];
  });
  var town = document.getElementById('lk-town');
  if (town) town.value = s.town;
  document.getElementById('lk-sort').value = s.sort;
  document.getElementById('lk-favonly').setAttribute('aria-pressed', s.fav ? 'true' : 'false');
  this.syncChips();
};

/* Chip states, range warnings and the row of removable active-filter chips. */
App.prototype.syncChips = function () {
  var s = this.state, self = this, S = this.S;
  Object.keys(this.chips).forEach(function (group) {
    self.chips[group].forEach(function (b) {
      b.setAttribute('aria-pressed', s[group].indexOf(b.getAttribute('data-value')) >= 0 ? 'true' : 'false');
    });
  });
  Object.keys(this.rangeInputs).forEach(function (k) {
    var r = rangeOf(s[k]), inputs = self.rangeInputs[k], msg = document.getElementById('lk-' + k + '-msg');
    inputs[0].setAttribute('aria-invalid', r.loBad ? 'true' : 'false');
    inputs[1].setAttribute('aria-invalid', r.hiBad ? 'true' : 'false');
    msg.textContent = r.problem === 'order' ? S.range_order : (r.problem ? S.range_nan : '');
    msg.hidden = !r.problem;
  });
  var box = document.getElementById('lk-active'), active = this.activeFilters();
  var sig = JSON.stringify(active.map(function (f) { return f[0]; }));
  // Rebuilt only when it changes: a chip must survive the blur/change of an input that a tap on it causes.
  if (sig === this._activeSig) { this._activeFns = active; return; }
  this._activeSig = sig;
  this._activeFns = active;
  while (box.firstChild) box.removeChild(box.firstChild);
  active.forEach(function (f, i) {
    var b = el('button', 'lk-chip lk-active-chip', f[0] + ' ×');
    b.type = 'button';
    b.title = S.remove_filter;
    b.addEventListener('click', function () { self._activeFns[i][1](); self.syncControls(); self.apply(); });
    box.appendChild(b);
  });
};

/* [text, remove()] for every filter that differs from the opening state. */
App.prototype.activeFilters = function () {
  var s = this.state, self = this, S = this.S, out = [], d = this._emptyState();
  function each(group, labelOf) {
    s[group].slice().forEach(function (v) {
      out.push([labelOf(v), function () { s[group].splice(s[group].indexOf(v), 1); }]);
    });
  }
  if (s.q) out.push(['“' + s.q + '”', function () { s.q = ''; }]);
  each('use', function (v) { return v; });
  if (!sameList(s.os, d.os)) out.push([this.label('offer_state') + '：' + (s.os.map(function (v) { return self.data.offerStates[v] || v; }).join('、') || S.all), function () { s.os = d.os.slice(); }]);
  var zname = {};
  this.zoneList.forEach(function (z) { zname[z.id] = z.name; });
  each('z', function (v) { return zname[v] || v; });
  each('cat', function (v) { return self.data.categories.labels[v] || v; });
  each('st', function (v) { return self.data.statuses[v] || v; });
  if (s.town) out.push([s.town, function () { s.town = ''; }]);
  each('pk', function (v) { return v; });
  // Every range key, also one without an input on this tab (from a link): it filters, so it must be removable.
  var rangeLabel = { a: S.area, p: S.price, u: S.unit_price, m: S.area_m2, r: S.rent, h: S.height, ld: S.load, sp: S.sale };
  RANGE_KEYS.forEach(function (key) {
    var r = s[key];
    if (r[0] !== '' || r[1] !== '') out.push([(rangeLabel[key] || key) + ' ' + r[0] + '–' + r[1], function () { s[key] = ['', '']; }]);
  });
  if (s.fav) out.push([S.only_favourites, function () { s.fav = false; }]);
  if (s.demand) out.push([(this.data.demandLabel || '') + s.demand, function () { s.demand = ''; }]);
  return out;
};
