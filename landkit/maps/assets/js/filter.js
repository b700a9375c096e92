// ---- filtering ----------------------------------------------------------------------------
/* The columns the filter predicate (pure.js makePredicate) reads. */
App.prototype.filterContext = function () {
  return {
    cat: this.col('categories'), catKeys: this.data.categories.keys, st: this.col('status'),
    os: this.col('offer_state'), use: this.col('use_class'), town: this.col('township'),
    zonesOf: this.zonesOf, zoneIds: this.zoneList.map(function (z) { return z.id; }),
    area: this.areaMu, price: this.col('asking_price'), unit: this.unit,
    keys: this.keys, favSet: this.favSet, searchText: this.state.q ? this.searchText : [], demands: this._demandSets(),
    ranges: this.extraRanges || [], sets: this.extraSets || []  // the 厂房 tab's filters (units.js)
  };
};

/* Push lists (智能式推地) embedded by write_browse_map(demands=...): demand id → {parcel key: true}. */
App.prototype._demandSets = function () {
  if (!this._demands) {
    var out = {}, lists = this.data.demands || {};
    Object.keys(lists).forEach(function (id) { out[id] = toSet(lists[id]); });
    this._demands = out;
  }
  return this._demands;
};

App.prototype.apply = function (keepScroll) {
  var t0 = performance.now(), n = this.n, out = [], visible = new Uint8Array(n);
  if (this.state.fav) this.state.favKeys = this._sharedFavKeys();
  var keep = makePredicate(this.filterContext(), this.state);
  for (var k = 0; k < n; k++) {
    if (keep(k)) { visible[k] = 1; out.push(k); }
  }
  this._sort(out);
  this.result = out;
  this.visible = visible;
  this.pos = new Int32Array(n).fill(-1);
  for (var i = 0; i < out.length; i++) this.pos[out[i]] = i;
  this.lastFilterMs = performance.now() - t0;
  var draws = this.layer ? this.layer.draws : 0;
  this._zoomToResults();  // a new view redraws the parcels (moveend): then once is enough
  this._updateCount();
  if (this.syncChips) this.syncChips();
  if (this.layer && this.layer.draws === draws) this.layer.redraw();
  this.renderCards(!keepScroll);
  this.writeHash();
};

/* After a filter change (not a sort, not the opening), zoom the map to the parcels found. */
App.prototype._zoomToResults = function () {
  var s = this.state, sig = JSON.stringify(Object.assign({}, s, { sort: '', favKeys: [] }));
  var changed = this._filterSig !== undefined && sig !== this._filterSig;
  this._filterSig = sig;
  if (!changed || this._restoring || !this.map || !this.result.length) return;
  var b = this.store.bbox, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, res = this.result;
  for (var i = 0; i < res.length; i++) {
    var k = res[i];
    if (!(b[4 * k] <= b[4 * k + 2])) continue;
    if (b[4 * k] < x0) x0 = b[4 * k]; if (b[4 * k + 2] > x1) x1 = b[4 * k + 2];
    if (b[4 * k + 1] < y0) y0 = b[4 * k + 1]; if (b[4 * k + 3] > y1) y1 = b[4 * k + 3];
  }
  if (!(x0 <= x1)) return;
  var opts = { maxZoom: 15, padding: [20, 20], animate: false }, bounds = L.latLngBounds(unproject(x0, y1), unproject(x1, y0));
  // The same view again (a filter whose parcels span what is shown) would only redraw every layer.
  var to = this.map._getBoundsCenterZoom ? this.map._getBoundsCenterZoom(bounds, opts) : null;
  if (to && to.zoom === this.map.getZoom() && this.map.latLngToContainerPoint(to.center).distanceTo(this.map.getSize().divideBy(2)) < 0.5) return;
  this.map.fitBounds(bounds, opts);
};

/* Favourite keys carried by the share link: mine plus any a received link brought along. */
App.prototype._sharedFavKeys = function () {
  var seen = toSet(Object.keys(this.favSet)), out = Object.keys(this.favSet);
  (this.state.favKeys || []).forEach(function (key) { if (!seen[key]) { seen[key] = true; out.push(key); } });
  var index = this.index;
  return out.filter(function (key) { return index[key] !== undefined; });
};

App.prototype._sort = function (out) {
  var s = this.state.sort;
  if (!s) return;
  var parts = s.split('_'), field = parts[0], desc = parts[1] === 'desc', vals;
  if (this.sortArrays) vals = this.sortArrays[field];  // the 厂房 tab's m² and 租金 (units.js)
  else if (field === 'area') vals = this.areaMu;
  else if (field === 'unit') vals = this.unit;
  else if (field === 'price') vals = this.col('asking_price');
  else if (field === 'listed') vals = this.col('listed_date');
  if (!vals) return;
  out.sort(function (i, j) {
    var a = vals[i], b = vals[j];
    var an = a === null || a === undefined || a !== a, bn = b === null || b === undefined || b !== b;
    if (an || bn) return an === bn ? i - j : (an ? 1 : -1);
    return a === b ? i - j : (desc ? b - a : a - b);
  });
};

App.prototype._updateCount = function () {
  var c = document.getElementById('lk-count');
  c.textContent = this.S.results.replace('{n}', this.result.length.toLocaleString('zh-CN'));
  c.setAttribute('data-count', String(this.result.length));
  document.getElementById('lk-empty').hidden = this.result.length > 0;
};
