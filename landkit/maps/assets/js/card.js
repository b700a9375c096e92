// ---- selection ------------------------------------------------------------------------
App.prototype.bounds = function (k) {
  var b = this.store.bbox;
  return L.latLngBounds(unproject(b[4 * k], b[4 * k + 3]), unproject(b[4 * k + 2], b[4 * k + 1]));
};

App.prototype.setHover = function (k, fromCard) {
  var self = this;
  this.hover = k;
  this.layer.redraw();
  clearTimeout(this._hoverTimer);
  if (k >= 0 && fromCard && this.store.bbox[4 * k] <= this.store.bbox[4 * k + 2]) {
    this._hoverTimer = setTimeout(function () {
      if (self.hover === k && !self.map.getBounds().contains(self.bounds(k))) {
        self.map.flyToBounds(self.bounds(k), { maxZoom: 16, padding: [40, 40], duration: 0.6 });
      }
    }, 350);
  }
};

App.prototype.select = function (k, opts) {
  opts = opts || {};
  this.sel = k;
  this.layer.redraw();
  var cards = this.listEl.querySelectorAll('.lk-card');
  for (var i = 0; i < cards.length; i++) cards[i].classList.toggle('lk-active', cards[i].getAttribute('data-key') === this.keys[k]);
  if (k < 0) { this.closeCard(); this.writeHash(); return; }
  var hasGeom = this.store.bbox[4 * k] <= this.store.bbox[4 * k + 2];
  if (opts.fly && hasGeom) this.map.fitBounds(this.bounds(k), { maxZoom: 16, padding: [60, 60], animate: !opts.instant });
  if (opts.scroll && this.pos[k] >= 0) {
    var top = this.pos[k] * CARD_H, list = this.listEl;
    if (top < list.scrollTop || top + CARD_H > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - (list.clientHeight - CARD_H) / 2);
    }
    this.renderCards(false);
  }
  if (opts.popup) this.openPopup(k, opts.focus);  // without geometry (a unit not on the map): at the map's centre
  this.writeHash();
};

/* A phone shows the card as a bottom sheet; a desktop as a popup at the parcel. */
App.prototype.isPhone = function () { return window.matchMedia('(max-width: 700px)').matches; };

App.prototype.openPopup = function (k, focus) {
  var content = this.productCard(k);
  this.popupK = k;
  if (this.isPhone()) {
    this._reopening = true;
    this.map.closePopup();
    this._reopening = false;
    var sheet = document.getElementById('lk-sheet'), body = document.getElementById('lk-sheet-body');
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(content);
    sheet.hidden = false;
    sheet.scrollTop = 0;
    document.body.classList.add('lk-sheet-open');
    document.body.classList.remove('lk-drawer-open');
    this._syncDrawer();
    if (focus) { content.tabIndex = -1; content.focus(); }
    return;
  }
  var p = this.store.bbox[4 * k] <= this.store.bbox[4 * k + 2] ? this.store.interior(k) : null;
  this._reopening = true;
  this.popup = L.popup({ maxWidth: 320, minWidth: 280, autoPanPadding: [30, 30], closeButton: true })
    .setLatLng(p ? unproject(p[0], p[1]) : this.map.getCenter())
    .setContent(content)
    .openOn(this.map);
  this._reopening = false;
  var close = this.popup.getElement() && this.popup.getElement().querySelector('.leaflet-popup-close-button');
  if (close) { close.title = this.S.close; close.setAttribute('aria-label', this.S.close); }
  if (focus) { content.tabIndex = -1; content.focus(); }
};

App.prototype.closeCard = function () {
  this.map.closePopup();
  var sheet = document.getElementById('lk-sheet');
  if (sheet) sheet.hidden = true;
  document.body.classList.remove('lk-sheet-open');
  this.popupK = -1;
};

/* The element showing the open card (sheet or popup), or null. */
App.prototype._cardRoot = function () {
  if (this.popupK === undefined || this.popupK < 0) return null;
  return document.querySelector('.lk-popup[data-key="' + CSS.escape(this.keys[this.popupK]) + '"]');
};

/* Update the card's buttons in place: replacing the card during a click would let Leaflet
 * take the click (its target is gone from the popup) for a map click and close the card. */
App.prototype._refreshPopupButtons = function () {
  var root = this._cardRoot(), k = this.popupK, S = this.S;
  if (!root) return;
  var on = !!this.favSet[this.keys[k]];
  var fav = root.querySelector('.lk-popup .lk-fav'), cmp = root.querySelector('.lk-popup .lk-cmp');
  if (fav) { fav.textContent = on ? S.favourite_remove : S.favourite_add; fav.setAttribute('aria-pressed', on ? 'true' : 'false'); }
  if (cmp) {
    var c = this.cmp.indexOf(k) >= 0;
    cmp.textContent = c ? S.compare_remove : S.compare_add;
    cmp.setAttribute('aria-pressed', c ? 'true' : 'false');
  }
};

// ---- product card ---------------------------------------------------------------------
/* Fields shown in the card's main list, in this order (others go under 详细信息). */
var OFFER_ORDER = ['use_class', 'planned_use', 'township', 'location', 'far', 'coverage', 'building_density', 'green_ratio',
  'height_limit_m', 'lease_years', 'transaction_method', 'start_price', 'deposit', 'investment_intensity', 'tax_per_mu',
  'energy_per_output', 'utilities', 'boundaries', 'listed_date', 'offer_deadline', 'notice_no', 'notice_url',
  'status', 'construction_status', 'disposal_method', 'elev_mean_m', 'slope_mean_deg'];
var CARD_SKIP = ['name', 'parcel_id', 'area_m2', 'area_mu', 'area_ha', 'asking_price', 'offer_state', 'contact', 'categories'];

App.prototype.label = function (name) { return this.data.labels[name] || name; };

App.prototype.valueText = function (name, k) {
  var c = this.cols[name];
  if (!c) return '';
  var v = c.v[k];
  if (v === null || v === undefined) return '';
  if (c.t === 'd') return isoDate(v);
  if (c.t === 'c') {
    var labels = this.categoryLabels(k).map(function (p) { return p[1]; });
    if (c.x && c.x[k]) labels.push(c.x[k]);
    return labels.join('、');
  }
  if (name === 'status') return this.data.statuses[v] || v;
  if (name === 'offer_state') return this.data.offerStates[v] || v;
  if (name === 'construction_status') return (this.data.construction || {})[v] || v;
  if (c.t === 'n') return fmt(v) + (this.data.units[name] ? ' ' + this.data.units[name] : '');
  return String(v);
};

App.prototype.zoneText = function (k) {
  var zl = this.zoneList;
  return this.zonesOf[k].map(function (z) { return zl[z].name; }).join('、');
};

App.prototype.cardTags = function (k) {
  var self = this, tags = el('div', 'lk-tags'), offer = this.offerLabel(k);
  if (offer) tags.appendChild(el('span', 'lk-tag lk-offer-' + this.col('offer_state')[k], offer));
  this.categoryLabels(k).forEach(function (pair) {
    var t = el('span', 'lk-tag', pair[1]);
    t.style.background = self.colors[pair[0]] || '#888';
    tags.appendChild(t);
  });
  return tags;
};

/* [label, text] rows of the card's key facts (also the print sheet's). */
App.prototype.factRows = function (k) {
  var self = this, S = this.S, rows = [];
  function row(label, text) { if (text !== '' && text !== null && text !== undefined) rows.push([label, text]); }
  row(this.label('parcel_id'), this.valueText('parcel_id', k));
  if (this.areaMu[k] === this.areaMu[k]) {
    row(S.area_label, fmtMu(this.areaMu[k]) + ' ' + S.mu + '（' + fmt(this.col('area_m2')[k], 0) + ' ' + S.m2 + '）');
  }
  if (this.unit[k] === this.unit[k]) row(S.unit_price_label, fmt(this.unit[k]) + ' ' + S.wan_per_mu);
  row(this.label('offer_state'), this.offerLabel(k));
  row(S.zones_label, this.zoneText(k));
  var used = {};
  (this.factOrder || OFFER_ORDER).forEach(function (f) { if (self.cols[f]) { used[f] = true; row(self.label(f), self.valueText(f, k)); } });
  if (this.useField && !used[this.useField]) row(this.label(this.useField), this.valueText(this.useField, k));
  var c = this.centre(k);
  if (c) row(S.centre_cgcs, c.lon.toFixed(5) + ', ' + c.lat.toFixed(5));
  this.distanceRows(k).forEach(function (r) { row(r[0], r[1]); }); // baselayers.js
  row(S.contact, this.valueText('contact', k) || this.data.contact || '');
  return rows;
};

/* The parcel's centre: CGCS2000 lon/lat and the GCJ-02 point phone map apps use (null without geometry). */
App.prototype.centre = function (k) {
  var c = this.data.centres;
  if (c && typeof c.x === 'string') {  // packed (pack_ints): unpacked on the first card
    var n = this.n;
    c = this.data.centres = { x: unpackInts(c.x, n), y: unpackInts(c.y, n), dx: unpackInts(c.dx, n), dy: unpackInts(c.dy, n) };
  }
  if (!c || c.x[k] === null) return null;
  var lon = this.data.origin[0] + c.x[k] / 1e5, lat = this.data.origin[1] + c.y[k] / 1e5;
  return { lon: lon, lat: lat, glon: lon + c.dx[k] / 1e5, glat: lat + c.dy[k] / 1e5 };
};

/* 高德 / 百度 navigation: plain links, nothing is loaded until the visitor taps one. */
App.prototype.navLinks = function (k) {
  var c = this.centre(k), S = this.S, box = el('div', 'lk-row lk-nav-links');
  if (!c) return box;
  var name = encodeURIComponent(this.title(k)), g = c.glon.toFixed(6) + ',' + c.glat.toFixed(6);
  [[S.nav_amap, 'https://uri.amap.com/marker?position=' + g + '&name=' + name + '&coordinate=gaode&callnative=1&src=landkit'],
    [S.nav_baidu, 'https://api.map.baidu.com/marker?location=' + c.glat.toFixed(6) + ',' + c.glon.toFixed(6) + '&title=' + name
      + '&content=' + name + '&output=html&coord_type=gcj02&src=webapp.landkit']].forEach(function (pair) {
    var a = el('a', 'lk-btn lk-nav-link', pair[0]);
    a.href = pair[1]; a.target = '_blank'; a.rel = 'noopener noreferrer';
    box.appendChild(a);
  });
  return box;
};

App.prototype.detailFields = function () {
  var self = this, order = this.factOrder || OFFER_ORDER;  // factOrder: the 厂房 tab's (units.js)
  return Object.keys(this.cols).filter(function (f) {
    return order.indexOf(f) < 0 && CARD_SKIP.indexOf(f) < 0 && f !== self.useField;
  });
};

App.prototype.productCard = function (k) {
  var self = this, S = this.S, root = el('div', 'lk-popup');
  root.setAttribute('data-key', this.keys[k]);
  root.appendChild(this._gallery(k));
  var media = this.cardMedia(k);
  if (media) root.appendChild(media);
  root.appendChild(el('h3', null, this.title(k)));
  root.appendChild(this.cardTags(k));
  var price = this.col('asking_price');
  if (this.tab === 'units') root.appendChild(this.unitPriceLine(k, 'lk-price'));  // units.js
  else if (price && price[k] !== null) root.appendChild(el('div', 'lk-price', S.price_label + ' ' + fmt(price[k]) + ' ' + S.wan));
  else if (this.col('offer_state')) root.appendChild(el('div', 'lk-price lk-muted', this.col('offer_state')[k] === 'not_listed' ? S.not_listed : S.price_none));
  var dl = el('dl', 'lk-dl');
  this.factRows(k).forEach(function (r) {
    dl.appendChild(el('dt', null, r[0]));
    var dd = el('dd', null, r[1]);
    if (r[0] === self.label('notice_url') && /^https?:\/\//i.test(r[1])) {
      dd.textContent = '';
      var a = el('a', null, r[1]);
      a.href = r[1]; a.target = '_blank'; a.rel = 'noopener noreferrer';
      dd.appendChild(a);
    }
    dl.appendChild(dd);
  });
  root.appendChild(dl);
  root.appendChild(this.navLinks(k));
  var rest = this.detailFields();
  if (rest.length) {
    var det = el('details', 'lk-details');
    det.appendChild(el('summary', null, S.details));
    var dl2 = el('dl', 'lk-dl');
    rest.forEach(function (f) {
      var txt = self.valueText(f, k);
      if (txt === '') return;
      dl2.appendChild(el('dt', null, self.label(f)));
      dl2.appendChild(el('dd', null, txt));
    });
    det.appendChild(dl2);
    root.appendChild(det);
  }
  root.appendChild(this._cardActions(k));
  L.DomEvent.disableClickPropagation(root);
  return root;
};

App.prototype._cardActions = function (k) {
  var self = this, S = this.S, actions = el('div', 'lk-row lk-card-buttons');
  var fav = el('button', 'lk-btn lk-fav', this.favSet[this.keys[k]] ? S.favourite_remove : S.favourite_add);
  fav.type = 'button';
  fav.setAttribute('aria-pressed', this.favSet[this.keys[k]] ? 'true' : 'false');
  fav.addEventListener('click', function (ev) { ev.stopPropagation(); self.toggleFav(k); });
  var cmp = el('button', 'lk-btn lk-cmp', this.cmp.indexOf(k) >= 0 ? S.compare_remove : S.compare_add);
  cmp.type = 'button';
  cmp.setAttribute('aria-pressed', this.cmp.indexOf(k) >= 0 ? 'true' : 'false');
  cmp.addEventListener('click', function (ev) { ev.stopPropagation(); self.toggleCompare(k); self._refreshPopupButtons(); });
  var pr = el('button', 'lk-btn lk-print-one', S.print_sheet);
  pr.type = 'button';
  pr.addEventListener('click', function (ev) { ev.stopPropagation(); self.buildPrintView([k]); window.print(); });
  actions.appendChild(fav);
  actions.appendChild(cmp);
  actions.appendChild(pr);
  return actions;
};

App.prototype._gallery = function (k) {
  var S = this.S, photos = this._photoList(k), box = el('div', 'lk-gallery');
  var images = photos.filter(function (p) { return p.indexOf('data:image/') === 0; });
  var links = photos.filter(function (p) { return /^https?:\/\//i.test(p); });
  if (!images.length) {
    box.appendChild(el('span', null, S.no_photo));
  } else {
    var idx = 0, img = el('img');
    img.alt = this.title(k);
    img.src = images[0];
    box.appendChild(img);
    if (images.length > 1) {
      var prev = el('button', 'lk-nav lk-prev', '‹'), next = el('button', 'lk-nav lk-next', '›');
      prev.type = next.type = 'button';
      prev.addEventListener('click', function () { idx = (idx + images.length - 1) % images.length; img.src = images[idx]; });
      next.addEventListener('click', function () { idx = (idx + 1) % images.length; img.src = images[idx]; });
      box.appendChild(prev); box.appendChild(next);
    }
  }
  if (links.length) {
    var wrap = el('div');
    links.forEach(function (href, i) {
      var a = el('a', null, S.photos + ' ' + (i + 1));
      a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer';
      wrap.appendChild(a);
      wrap.appendChild(document.createTextNode(' '));
    });
    var outer = el('div');
    outer.appendChild(box); outer.appendChild(wrap);
    return outer;
  }
  return box;
};
