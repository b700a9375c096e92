// ---- the 厂房 tab: standard-factory units beside the land (issue 14, point 7) ----------------------
/* The page shows one dataset at a time (this.data, this.cols, this.store, this.state …). The tabs swap
 * the whole set, so the list, cards, favourites, compare, CSV, print and the share link work for units
 * unchanged; each tab keeps its own filters, and the URL hash carries tab=units. Unit keys are the
 * units' ids, checked at write time never to equal a parcel's key. */
var TAB_FIELDS = ['data', 'S', 'n', 'cols', 'store', 'keys', '_index', 'areaMu', 'unit', 'useField', 'zoneList', 'zonesOf',
  'palette', 'palette32', 'colorIndex', '_searchText', 'cmp', 'state', 'extraRanges', 'extraSets', 'sortArrays', 'factOrder',
  '_filterSig', 'result', 'visible', 'pos', '_demands'];

/* The unit facts a card lists first (after 所在宗地代码 and 招租状态), in this order. */
var UNIT_ORDER = ['park', 'building', 'floor', 'unit_no', 'floor_area_m2', 'storey_height_m', 'floor_load_kn_m2',
  'rent_yuan_m2_month', 'sale_mode', 'sale_price_yuan_m2', 'sale_price_wan', 'utilities', 'township', 'map_location'];

/* The page payload's 厂房 part (data.unitTab, written by landkit.maps._units.unit_payload). */
App.prototype.unitsPayload = function () {
  return (this._tabs && this._tabs.land ? this._tabs.land.data : this.data).unitTab;
};

/* Which tab a URL hash asks for ('units' or '' for the land). */
App.prototype.hashTab = function (h) {
  if (!this._unitKeys) {
    var u = this.unitsPayload(), ids = decodeColumns({ id: u.cols.unit_id }, u.n).id.v;
    this._unitKeys = toSet(ids.map(String));
  }
  var keys = this._unitKeys;
  return hashTab(h, function (key) { return keys[key] === true; });
};

/* The tab to show for a URL: as hashTab, but ?demand=ID of a demand pushed only units opens the 厂房 tab. */
App.prototype.openingTab = function (h, asked) {
  var tab = this.hashTab(h), keys = this._unitKeys, land = this._tabs && this._tabs.land ? this._tabs.land.data : this.data;
  return openingTab(h, asked, function (key) { return keys[key] === true; }, land.demands, this.unitsPayload().demands) || tab;
};

/* Switch the page's dataset to tab ('units' or anything else for the land); true when it changed. */
App.prototype.useTab = function (tab) {
  var want = tab === 'units' ? 'units' : 'land', now = this.tab || 'land';
  if (want === now) { this._syncTabs(); return false; }
  var tabs = this._tabs || (this._tabs = {});
  tabs[now] = this._saveTab();
  if (tabs[want]) this._restoreTab(tabs[want]); else this._initUnits();
  this.tab = want;
  this.hover = -1;
  if (this.sel >= 0 && this.layer) this.closeCard();
  this.sel = -1;
  document.getElementById('lk-compare').hidden = true;  // it listed the other tab's items
  this._rebuildFilters();
  this._syncTabs();
  return true;
};

/* A click on a tab: swap, show its filters and results, and fit the map to what it has on the map. */
App.prototype.showTab = function (tab) {
  if (!this.useTab(tab)) return;
  this.syncControls();
  this.apply();
  this.map.fitBounds(this.dataBounds(), { animate: false, padding: [10, 10] });
};

/* With no unit on the map (none located), the 厂房 tab keeps the land's extent, not the whole world. */
var landDataBounds = App.prototype.dataBounds;
App.prototype.dataBounds = function () {
  if (this.tab !== 'units' || this.data.unlocated < this.n) return landDataBounds.call(this);
  var land = this._tabs.land;
  return landDataBounds.call({ store: land.store, n: land.n });
};

App.prototype._saveTab = function () {
  var b = {}, self = this;
  TAB_FIELDS.forEach(function (f) { b[f] = self[f]; });
  return b;
};

App.prototype._restoreTab = function (b) {
  var self = this;
  TAB_FIELDS.forEach(function (f) { self[f] = b[f]; });
};

/* A numeric column as a Float64Array (missing → NaN, so it never passes a bound). */
App.prototype._floatCol = function (name) {
  var vals = this.col(name), out = new Float64Array(this.n).fill(NaN);
  if (vals) for (var k = 0; k < this.n; k++) if (vals[k] !== null && vals[k] !== undefined) out[k] = vals[k];
  return out;
};

/* The units' dataset: the page payload with data.units laid over it (strings too); zones via their parcel. */
App.prototype._initUnits = function () {
  var land = this._tabs.land.data, u = this.unitsPayload();
  var data = Object.assign({}, land, u, { strings: Object.assign({}, land.strings, u.strings), demands: u.demands || {} });
  data.zones = land.zones && u.zoneIndex ? { list: land.zones.list, combos: land.zones.combos, i: u.zoneIndex } : null;
  this.data = data;
  this.S = data.strings;
  this.n = data.n;
  this.cols = decodeColumns(data.cols, data.n);
  this.store = new Store(data);
  this.cmp = [];
  this.factOrder = UNIT_ORDER;
  this._initKeys();
  this._initDerived();
  this._initStyle();
  this._initSearch();
  this.state = this._emptyState();
  this._demands = undefined;  // the units' push lists (?demand=ID), built on first filter
  if (this._askedDemand && (data.demands[this._askedDemand] || []).length) {
    this.state.demand = this._askedDemand;  // ?demand=ID pushed units too: the 厂房 tab shows them
    this.state.os = [];
  }
  var area = this._floatCol('floor_area_m2'), rent = this._floatCol('rent_yuan_m2_month');
  this.extraRanges = [{ key: 'm', v: area }, { key: 'r', v: rent }, { key: 'h', v: this._floatCol('storey_height_m') },
    { key: 'ld', v: this._floatCol('floor_load_kn_m2') }, { key: 'sp', v: this._floatCol('sale_price_yuan_m2') }];
  this.extraSets = this.col('park') ? [{ key: 'pk', v: this.col('park') }] : [];
  this.sortArrays = { area: area, price: rent };
  this._filterSig = undefined;
  this.result = [];
  this.visible = new Uint8Array(this.n);
  this.pos = new Int32Array(this.n).fill(-1);
};

/* The filters of the tab shown: the land's, or 面积(m²)/租金/层高/荷载, 乡镇, 园区, 招租状态 and 片区. */
App.prototype._rebuildFilters = function () {
  var box = document.getElementById('lk-filters'), S = this.S, units = this.tab === 'units';
  while (box.firstChild) box.removeChild(box.firstChild);
  this.chips = {};
  this._activeSig = undefined;
  if (units) {
    var ranges = [['m', S.area_m2], ['r', S.rent], ['h', S.height], ['ld', S.load]];
    if (this.col('sale_price_yuan_m2')) ranges.push(['sp', S.sale]);  // only when some unit on offer is for sale
    this._buildRanges(ranges);
    this._buildTown();
    this._chipGroup(S.park, 'pk', distinct(this.col('park')).map(function (v) { return [v, v]; }));
  } else {
    this._buildRanges();
    this._buildTown();
  }
  this._buildChipGroups();
  var q = document.getElementById('lk-q');
  q.placeholder = S.search;
  q.setAttribute('aria-label', S.search);
  var opts = document.getElementById('lk-sort').options;
  for (var i = 0; i < opts.length; i++) {
    var v = opts[i].value;
    opts[i].textContent = S[v ? 'sort_' + v : 'sort_default'];
    opts[i].hidden = units && /^(unit|listed)_/.test(v);
  }
  document.getElementById('lk-empty').textContent = S.no_result;
  this._updateCompareButton();
};

/* The tab bar (土地 | 厂房) above the search box; built on first use. */
App.prototype._syncTabs = function () {
  var self = this, bar = document.getElementById('lk-tabs'), T = this.unitsPayload().strings, now = this.tab || 'land';
  if (!bar) {
    bar = el('div', 'lk-tabs');
    bar.id = 'lk-tabs';
    bar.setAttribute('role', 'tablist');
    bar.setAttribute('aria-label', T.tabs);
    ['land', 'units'].forEach(function (tab) {
      var b = el('button', 'lk-tab', tab === 'units' ? T.tab_units : T.tab_land);
      b.type = 'button';
      b.id = 'lk-tab-' + tab;
      b.setAttribute('role', 'tab');
      b.setAttribute('data-tab', tab);
      b.addEventListener('click', function () { self.showTab(tab); });
      bar.appendChild(b);
    });
    var q = document.getElementById('lk-q');
    q.parentNode.insertBefore(bar, q);
  }
  var buttons = bar.querySelectorAll('.lk-tab');
  for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute('aria-selected', buttons[i].getAttribute('data-tab') === now ? 'true' : 'false');
  document.body.classList.toggle('lk-tab-units', now === 'units');
};

// ---- a unit's card lines ------------------------------------------------------------------
App.prototype.unitSummary = function (k) {
  var c = this.cols;
  function v(name) { return c[name] ? c[name].v[k] : null; }
  return unitSummary({ area: v('floor_area_m2'), floor: v('floor'), height: v('storey_height_m'), load: v('floor_load_kn_m2') }, this.S);
};

/* 租金 12 元/m²·月 for a unit on offer (租金面议 if unknown); 已出租 / 未招租 said plainly otherwise. */
App.prototype.unitPriceLine = function (k, cls) {
  var os = this.col('offer_state'), state = os ? os[k] : null, rent = this.col('rent_yuan_m2_month');
  var text = rentText(rent ? rent[k] : null, this.S);
  var sp = this.col('sale_price_yuan_m2'), sw = this.col('sale_price_wan');
  var sale = saleText(sp ? sp[k] : null, sw ? sw[k] : null, this.S);  // withheld at write time unless offered for sale
  if (state === 'on_sale') return el('div', cls + (sale ? '' : ' lk-muted'), sale || this.S.sale_none);
  if (sale && (state === 'for_rent' || state === null)) text = text ? text + ' · ' + sale : sale;
  if (state === 'for_rent' || state === null) return el('div', cls + (text ? '' : ' lk-muted'), text || this.S.price_none);
  return el('div', cls + ' lk-muted', this.data.offerStates[state] || this.S.not_listed);
};
