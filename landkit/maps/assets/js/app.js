// ---- the application --------------------------------------------------------------------
function App(map, data) {
  this.map = map;
  this.data = data;
  this.S = data.strings;
  this.n = data.n;
  this.cols = decodeColumns(data.cols, data.n);
  this.store = new Store(data);
  this.colors = data.colors;
  this.hover = -1;
  this.sel = -1;
  this.cmp = [];
  this.lastDrawMs = 0;
  this.lastFilterMs = 0;
  this._initKeys();
  this._initDerived();
  this._initStyle();
  this._initSearch();
  this.favKey = 'landkit:fav:' + (data.title || '') + ':' + location.pathname;
  this.favSet = this._loadFavs();
  this.state = this._emptyState();
}

App.prototype.col = function (name) { return this.cols[name] ? this.cols[name].v : null; };

/* Parcel keys (the key field's values, else '#k'). The key → parcel lookup `index` and the search
 * text are built on first use (getters below), not at load. */
App.prototype._initKeys = function () {
  var ids = this.data.keyField ? this.col(this.data.keyField) : null, n = this.n, keys = ids, k;
  for (k = 0; keys && k < n; k++) if (typeof ids[k] !== 'string') keys = null;
  if (!keys) {
    keys = new Array(n);
    for (k = 0; k < n; k++) keys[k] = ids ? String(ids[k]) : '#' + k;
  }
  this.keys = keys;
  this._index = null;
};

Object.defineProperty(App.prototype, 'index', {
  get: function () {
    if (!this._index) {
      var index = Object.create(null), keys = this.keys;
      for (var k = 0; k < keys.length; k++) index[keys[k]] = k;
      this._index = index;
    }
    return this._index;
  }
});

App.prototype._initDerived = function () {
  var n = this.n, area = this.col('area_m2'), price = this.col('asking_price');
  this.areaMu = new Float64Array(n);
  this.unit = new Float64Array(n);
  for (var k = 0; k < n; k++) {
    var a = area && area[k] !== null ? area[k] / MU_M2 : NaN;
    this.areaMu[k] = a;
    this.unit[k] = price && price[k] !== null && a > 0 ? price[k] / a : NaN;
  }
  this.useField = ['planned_use', 'landuse_name', 'landuse_code'].filter(function (f) { return this.cols[f]; }, this)[0] || null;
  var z = this.data.zones;
  this.zoneList = z ? z.list : [];
  this.zonesOf = new Array(n);
  for (var k2 = 0; k2 < n; k2++) this.zonesOf[k2] = z && z.i[k2] >= 0 ? z.combos[z.i[k2]] : [];
};

var IDLE_PARCELS = 20000;  // rings decoded per spare-time step: about 10–20 ms

/* Once the page is interactive: the columns not decoded yet and the hit-test grid, one piece per spare
 * period (each piece also happens on first use, so nothing waits for this). Stops if the tab changes. */
App.prototype.prepareIdle = function () {
  var self = this, cols = this.cols, store = this.store;
  var todo = Object.keys(cols).filter(function (name) { return !cols[name].decoded(); })
    .map(function (name) { return function () { return cols[name].v; }; });
  todo.push(function () { store.prepareGrid(); });
  var later = window.requestIdleCallback || function (fn) { return setTimeout(fn, 50); };
  function step() {
    if (self.cols !== cols) return;
    var job = todo.shift();
    if (job) job();
    else if (store.ringsStep(IDLE_PARCELS)) return;  // the rings, IDLE_PARCELS parcels at a time
    later(step);
  }
  later(step);
};

/* Parcel colours: by category tag (internal pages) or by 用途大类 (public pages); see data.legend. */
App.prototype._initStyle = function () {
  var lg = this.data.legend, palette = lg.items.map(function (it) { return it.color; }), n = this.n;
  palette.push(lg.other.color);
  this.palette = palette;
  // The same colours as 32-bit RGBA pixels (little-endian: A B G R), alpha 0.85.
  this.palette32 = new Uint32Array(palette.map(function (hex) {
    var v = parseInt(hex.slice(1), 16);
    return ((217 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | ((v >> 16) & 255)) >>> 0;
  }));
  this.colorIndex = new Uint8Array(n);
  var m = lg.items.length, vals = this.col(lg.field), k, b;
  if (lg.field === 'categories') {
    var keys = this.data.categories.keys, bitOf = lg.items.map(function (it) { return 1 << keys.indexOf(it.key); });
    for (k = 0; k < n; k++) {
      var ci = m, mask = vals ? vals[k] : 0;
      for (b = 0; b < m; b++) if (mask & bitOf[b]) { ci = b; break; }
      this.colorIndex[k] = ci;
    }
  } else {
    var pos = {};
    lg.items.forEach(function (it, i) { pos[it.key] = i; });
    for (k = 0; k < n; k++) { var p = vals ? pos[vals[k]] : undefined; this.colorIndex[k] = p === undefined ? m : p; }
  }
};

App.prototype._initSearch = function () { this._searchText = null; };

/* Per parcel, its searchable fields in lower case (built on the first search). */
Object.defineProperty(App.prototype, 'searchText', {
  get: function () {
    if (!this._searchText) this._searchText = this._buildSearch();
    return this._searchText;
  }
});

App.prototype._buildSearch = function () {
  var fields = ['name', 'parcel_id', 'location', 'township', 'village', 'holder', 'user_unit', 'landuse_name', 'planned_use',
    'use_class'];
  var cols = fields.map(function (f) { return this.col(f); }, this).filter(Boolean);
  var text = new Array(this.n), zl = this.zoneList;
  for (var k = 0; k < this.n; k++) {
    var parts = [];
    for (var c = 0; c < cols.length; c++) if (cols[c][k] !== null && cols[c][k] !== undefined) parts.push(cols[c][k]);
    var zs = this.zonesOf[k];
    for (var z = 0; z < zs.length; z++) parts.push(zl[zs[z]].name);
    text[k] = parts.join(' ').toLowerCase();
  }
  return text;
};

/* The state the page opens on: a public page shows the parcels on offer (招商中 / 挂牌中) first. */
App.prototype._emptyState = function () {
  var s = emptyState();
  s.os = (this.data.openStates || []).slice();
  s.tab = this.data.tab || '';  // '' = the land; 'units' = the 厂房 tab (units.js)
  return s;
};

// ---- favourites ---------------------------------------------------------------------------
App.prototype._loadFavs = function () {
  var set = {};
  try {
    (JSON.parse(window.localStorage.getItem(this.favKey) || '[]') || []).forEach(function (key) { set[key] = true; });
  } catch (err) { /* storage unavailable: favourites last for this visit only */ }
  return set;
};
App.prototype._saveFavs = function () {
  try { window.localStorage.setItem(this.favKey, JSON.stringify(Object.keys(this.favSet))); } catch (err) { /* ignore */ }
};
App.prototype.toggleFav = function (k) {
  var key = this.keys[k];
  if (this.favSet[key]) delete this.favSet[key]; else this.favSet[key] = true;
  this._saveFavs();
  if (this.state.fav) this.apply(); else { this.layer.redraw(); this.renderCards(); }
  this._refreshPopupButtons();
};
App.prototype.favIndices = function () {
  var self = this;
  return Object.keys(this.favSet).map(function (key) { return self.index[key]; }).filter(function (k) { return k !== undefined; });
};
