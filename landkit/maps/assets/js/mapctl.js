// ---- map controls -------------------------------------------------------------------------
App.prototype.buildMap = function () {
  var self = this, map = this.map, data = this.data, S = this.S;
  var bm = data.basemap, bases = {}, overlays = {};
  if (!bm.layers.length) {
    bases[escapeHtml(bm.noneLabel)] = L.layerGroup().addTo(map);
  }
  bm.layers.forEach(function (spec, i) {
    var group = L.layerGroup(spec.tiles.map(function (url) {
      return L.tileLayer(url, { subdomains: spec.subdomains || 'abc', maxZoom: spec.maxZoom, attribution: spec.attribution });
    }));
    bases[escapeHtml(spec.label)] = group;
    if (i === 0) group.addTo(map);
  });
  var zoneGroups = {};
  this.zoneList.forEach(function (z) {
    var color = data.zoneColors[z.kind] || data.zoneColors.other;
    var latlngs = decodeLatLngs(z.g, data.origin[0], data.origin[1], data.prec);
    if (!latlngs.length) return;
    var poly = L.polygon(latlngs, {
      color: color, weight: z.kind === '乡镇' ? 1 : 2, opacity: 0.8, fillOpacity: 0.04,
      dashArray: z.kind === '带' ? '6 4' : null, interactive: false
    });
    (zoneGroups[z.kind] || (zoneGroups[z.kind] = L.layerGroup())).addLayer(poly);
  });
  // Leaflet's layer control writes these names as HTML: zone kinds come from the data, so escape.
  Object.keys(zoneGroups).forEach(function (kind) { overlays[escapeHtml(S.zone + '：' + kind)] = zoneGroups[kind].addTo(map); });
  this.layer = new ParcelLayer(this).addTo(map);
  overlays[escapeHtml(S.parcels_layer)] = this.layer;
  Object.assign(overlays, this.buildBaseLayers()); // baselayers.js: roads, rivers, borders, names
  var layers = L.control.layers(bases, overlays, { collapsed: true }).addTo(map);
  var toggle = layers.getContainer().querySelector('.leaflet-control-layers-toggle');
  if (toggle) { toggle.title = S.layers; toggle.setAttribute('aria-label', S.layers); }
  L.control.scale({ imperial: false }).addTo(map);
  var Legend = L.Control.extend({
    onAdd: function () {
      // A <details>: collapsible, folded at first on a phone so it does not cover the map.
      var div = el('details', 'lk-legend'), lg = data.legend;
      div.open = !window.matchMedia('(max-width: 700px)').matches;
      div.appendChild(el('summary', null, S.legend));
      function swatch(text, fill, border) {
        var row = el('div'), sw = el('i');
        if (fill) sw.style.background = fill;
        if (border) sw.style.border = '2px solid ' + border;
        row.appendChild(sw);
        row.appendChild(document.createTextNode(text));
        div.appendChild(row);
      }
      lg.items.forEach(function (it) { swatch(it.label, it.color); });
      swatch(lg.other.label, lg.other.color);
      swatch(S.favourite_tag, null, data.colors.favourite);
      Object.keys(zoneGroups).forEach(function (kind) { swatch(S.zone + '：' + kind, null, data.zoneColors[kind] || data.zoneColors.other); });
      L.DomEvent.disableClickPropagation(div);
      return div;
    }
  });
  new Legend({ position: 'bottomright' }).addTo(map);
  var Fullscreen = L.Control.extend({
    onAdd: function () {
      var div = el('div', 'leaflet-bar lk-fs'), a = el('a', null, '⤢');
      a.href = '#';
      a.title = S.fullscreen;
      a.setAttribute('role', 'button');
      a.setAttribute('aria-label', S.fullscreen);
      L.DomEvent.on(a, 'click', function (ev) {
        L.DomEvent.preventDefault(ev);
        var d = document;
        if (d.fullscreenElement) d.exitFullscreen();
        else if (d.documentElement.requestFullscreen) d.documentElement.requestFullscreen();
      });
      L.DomEvent.disableClickPropagation(div);
      div.appendChild(a);
      return div;
    }
  });
  new Fullscreen({ position: 'topleft' }).addTo(map);
  map.on('click', function (e) {
    var k = self.hitAt(e.latlng);
    if (k >= 0) self.select(k, { popup: true, scroll: true });
  });
  var pending = false;
  map.on('mousemove', function (e) {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      var k = self.hitAt(e.latlng);
      map.getContainer().style.cursor = k >= 0 ? 'pointer' : '';
      if (k !== self.hover) { self.hover = k; self.layer.redraw(); }
      if (k >= 0) {
        var tipText = self.title(k) + (self.areaMu[k] === self.areaMu[k] ? ' · ' + fmtMu(self.areaMu[k]) + ' ' + S.mu : '');
        if (!self.tip) self.tip = L.tooltip({ direction: 'top', offset: [0, -8], className: 'lk-tip' });
        self.tip.setLatLng(e.latlng).setContent(el('span', null, tipText));
        if (!map.hasLayer(self.tip)) self.tip.addTo(map);
      } else if (self.tip && map.hasLayer(self.tip)) {
        map.removeLayer(self.tip);
      }
    });
  });
};

App.prototype.hitAt = function (latlng) {
  return this.store.hit(mercX(latlng.lng), mercY(latlng.lat), this.visible);
};

App.prototype.dataBounds = function () {
  var st = this.store, b = st.bbox, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (var k = 0; k < this.n; k++) {
    if (!(b[4 * k] <= b[4 * k + 2])) continue;
    x0 = Math.min(x0, b[4 * k]); y0 = Math.min(y0, b[4 * k + 1]);
    x1 = Math.max(x1, b[4 * k + 2]); y1 = Math.max(y1, b[4 * k + 3]);
  }
  if (!(x0 <= x1)) return L.latLngBounds([[-10, 70], [55, 140]]);
  return L.latLngBounds(unproject(x0, y1), unproject(x1, y0));
};

/* Screen point (container pixels) of a point inside the parcel with this key; for tests. */
App.prototype.parcelPoint = function (key) {
  var k = this.index[key], p = this.store.interior(k);
  var c = this.map.latLngToContainerPoint(unproject(p[0], p[1]));
  var r = this.map.getContainer().getBoundingClientRect();
  return { x: c.x + r.left, y: c.y + r.top };
};
