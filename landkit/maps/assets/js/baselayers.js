// ---- base layers: the county's roads, rivers, borders and names under the parcels ------------
/* Lines are drawn by their own canvas in a pane below the parcels' canvas, labels in a pane just
 * above the lines; both panes take no pointer events and nothing in them is interactive or
 * keyboard-focusable, so a tap always reaches the parcel (or the map), never a road or a name. */
var BASE_PANE_Z = 350;
var LABEL_PANE_Z = 390;
/* Labels of these kinds appear from this zoom on (town centres repeat the township names). */
var LABEL_MIN_ZOOM = { towns: 12 };

/* Distances computed at write time are shown by distanceRows, not under 详细信息 as raw fields. */
function distanceFields(rows) {
  var out = [];
  (rows || []).forEach(function (r) { out.push(r[0], r[1]); });
  return out;
}

/* "3.2 km（某某出口）" from a distance in km and the feature's name (either may be missing). */
function distanceText(km, name) {
  if (km === null || km === undefined || km !== km) return '';
  return Number(km).toFixed(1) + ' km' + (name ? '（' + name + '）' : '');
}

/* [label, text] rows of the card and the print sheet: 距高速出口 3.2 km（某某出口）… */
App.prototype.distanceRows = function (k) {
  var self = this, out = [];
  (this.data.distanceRows || []).forEach(function (r) {
    var km = self.col(r[0]), name = self.col(r[1]);
    var text = km ? distanceText(km[k], name ? name[k] : null) : '';
    if (text) out.push([r[2], text]);
  });
  return out;
};

App.prototype._basePane = function (name, z) {
  var pane = this.map.getPane(name) || this.map.createPane(name);
  pane.style.zIndex = String(z);
  pane.style.pointerEvents = 'none';
  return pane;
};

App.prototype._baseLine = function (spec, renderer) {
  var data = this.data, st = data.base.styles[spec.k] || {}, parts = [];
  decodeLatLngs(spec.g, data.origin[0], data.origin[1], data.prec).forEach(function (poly) {
    poly.forEach(function (part) { if (part.length > 1) parts.push(part); });
  });
  return L.polyline(parts, {
    renderer: renderer, interactive: false, bubblingMouseEvents: false, color: st.color || '#888',
    weight: st.weight || 1.5, opacity: st.opacity === undefined ? 0.8 : st.opacity,
    dashArray: st.dash || null, lineCap: 'round', lineJoin: 'round'
  });
};

App.prototype._baseLabel = function (spec) {
  var data = this.data, box = el('span', 'lk-label-text', spec.t);
  var latlng = [data.origin[1] + spec.y * data.prec, data.origin[0] + spec.x * data.prec];
  var icon = L.divIcon({ className: 'lk-label lk-label-' + spec.k, html: box, iconSize: null });
  return L.marker(latlng, { icon: icon, interactive: false, keyboard: false, pane: 'lkLabels' });
};

/* Build the base layers; returns layer-control entries (escaped names) → layer groups, all shown. */
App.prototype.buildBaseLayers = function () {
  var self = this, base = this.data.base, map = this.map, out = {};
  CARD_SKIP.push.apply(CARD_SKIP, distanceFields(this.data.distanceRows));
  if (!base) return out;
  this._basePane('lkBase', BASE_PANE_Z);
  var labelPane = this._basePane('lkLabels', LABEL_PANE_Z);
  labelPane.setAttribute('aria-hidden', 'true'); // place names repeat what the card says
  var renderer = L.canvas({ pane: 'lkBase', padding: 0.3 }), byKind = {};
  function add(kind, layer) { (byKind[kind] || (byKind[kind] = [])).push(layer); }
  base.lines.forEach(function (spec) { add(spec.k, self._baseLine(spec, renderer)); });
  var markers = base.labels.map(function (spec) { var m = self._baseLabel(spec); add(spec.k, m); return m; });
  base.groups.forEach(function (g) {
    var layers = [];
    g[1].forEach(function (kind) { layers = layers.concat(byKind[kind] || []); });
    if (layers.length) out[escapeHtml(g[0])] = L.layerGroup(layers).addTo(map);
  });
  function refresh() {
    var z = map.getZoom();
    Object.keys(LABEL_MIN_ZOOM).forEach(function (kind) {
      labelPane.classList.toggle('lk-hide-' + kind, z < LABEL_MIN_ZOOM[kind]);
    });
    declutterLabels(markers, map);
  }
  map.on('zoomend moveend overlayadd overlayremove', refresh);
  refresh();
  return out;
};

/* Hide a label that would overlap one before it (labels come in priority order: townships, river,
 * roads, parks, exits, stations, town centres, zones), so names stay readable at every zoom. */
function declutterLabels(markers, map) {
  var shown = [], kept = [];
  markers.forEach(function (m) {
    var e = m.getElement();
    if (!e || !map.hasLayer(m)) return;
    e.classList.remove('lk-label-hidden');
    shown.push(e);
  });
  // All sizes are read first, then classes written: reading after a write would lay the page out again.
  var rects = shown.map(function (e) { return e.firstChild ? e.firstChild.getBoundingClientRect() : null; });
  shown.forEach(function (e, i) {
    var r = rects[i];
    if (!r || !r.width) return;
    var overlaps = kept.some(function (k) { return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
    if (overlaps) e.classList.add('lk-label-hidden');
    else kept.push(r);
  });
}
