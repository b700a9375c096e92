// ---- card list ------------------------------------------------------------------------
App.prototype.renderCards = function (toTop) {
  var list = this.listEl, spacer = this.spacerEl;
  spacer.style.height = this.result.length * CARD_H + 'px';
  if (toTop) list.scrollTop = 0;
  var first = Math.max(0, Math.floor(list.scrollTop / CARD_H) - 3);
  var last = Math.min(this.result.length, Math.ceil((list.scrollTop + (list.clientHeight || 600)) / CARD_H) + 3);
  var frag = document.createDocumentFragment();
  for (var i = first; i < last; i++) frag.appendChild(this._card(this.result[i], i));
  while (list.lastChild && list.lastChild !== spacer) list.removeChild(list.lastChild);
  list.appendChild(frag);
};

App.prototype.title = function (k) {
  var name = this.col('name'), id = this.col('parcel_id');
  return (name && name[k]) || (id && id[k]) || this.keys[k];
};

App.prototype.categoryLabels = function (k) {
  var cat = this.col('categories'), keys = this.data.categories.keys, labels = this.data.categories.labels, out = [];
  if (!cat) return out;
  keys.forEach(function (key, b) { if (cat[k] & (1 << b)) out.push([key, labels[key]]); });
  return out;
};

/* 招商中 / 挂牌中 / 未挂牌 ('' when the data says nothing about offers). */
App.prototype.offerLabel = function (k) {
  var os = this.col('offer_state');
  if (!os || os[k] === null) return '';
  return this.data.offerStates[os[k]] || os[k];
};

App.prototype.statusLabel = function (k) {
  var st = this.col('status');
  if (!st || st[k] === null) return '';
  return this.data.statuses[st[k]] || st[k];
};

App.prototype._card = function (k, i) {
  var self = this, S = this.S, card = el('div', 'lk-card');
  card.style.top = i * CARD_H + 'px';
  card.setAttribute('data-key', this.keys[k]);
  if (k === this.sel) card.classList.add('lk-active');
  var thumb = this._thumb(k);
  if (thumb) card.appendChild(thumb);
  card.appendChild(el('div', 'lk-card-title', this.title(k)));
  var meta = this.tab === 'units' ? [this.unitSummary(k)] : [];  // units.js
  if (this.areaMu[k] === this.areaMu[k]) meta.push(fmtMu(this.areaMu[k]) + ' ' + S.mu);
  if (this.useField && this.col(this.useField)[k]) meta.push(this.col(this.useField)[k]);
  var town = this.col('township');
  if (town && town[k]) meta.push(town[k]);
  card.appendChild(el('div', 'lk-card-meta', meta.join(' · ')));
  var price = this.col('asking_price');
  if (this.tab === 'units') card.appendChild(this.unitPriceLine(k, 'lk-card-price'));  // units.js
  else if (price && price[k] !== null) {
    var line = S.price_label + ' ' + fmt(price[k]) + ' ' + S.wan;
    if (this.unit[k] === this.unit[k]) line += ' · ' + fmt(this.unit[k]) + ' ' + S.wan_per_mu;
    card.appendChild(el('div', 'lk-card-price', line));
  } else if (this.col('offer_state')) {
    card.appendChild(el('div', 'lk-card-price lk-muted', this.col('offer_state')[k] === 'not_listed' ? S.not_listed : S.price_none));
  }
  var tags = el('div', 'lk-card-meta');
  var offer = this.offerLabel(k);
  if (offer) tags.appendChild(el('span', 'lk-tag lk-offer-' + this.col('offer_state')[k], offer));
  this.categoryLabels(k).forEach(function (pair) {
    var t = el('span', 'lk-tag', pair[1]);
    t.style.background = self.colors[pair[0]] || '#888';
    tags.appendChild(t);
  });
  var st = this.statusLabel(k);
  if (st) tags.appendChild(document.createTextNode(st));
  card.appendChild(tags);
  var actions = el('div', 'lk-card-actions');
  var fav = el('button', 'lk-icon lk-fav', this.favSet[this.keys[k]] ? '★' : '☆');
  fav.type = 'button';
  fav.title = S.favourites;
  fav.setAttribute('aria-pressed', this.favSet[this.keys[k]] ? 'true' : 'false');
  fav.addEventListener('click', function (ev) { ev.stopPropagation(); self.toggleFav(k); });
  var cmp = el('button', 'lk-icon lk-cmp', '⇄');
  cmp.type = 'button';
  cmp.title = S.compare_add;
  cmp.setAttribute('aria-pressed', this.cmp.indexOf(k) >= 0 ? 'true' : 'false');
  cmp.addEventListener('click', function (ev) { ev.stopPropagation(); self.toggleCompare(k); });
  actions.appendChild(fav);
  actions.appendChild(cmp);
  card.appendChild(actions);
  card.addEventListener('mouseenter', function () { self.setHover(k, true); });
  card.addEventListener('mouseleave', function () { self.setHover(-1); });
  card.addEventListener('click', function () { self.select(k, { fly: true, popup: true }); });
  card.tabIndex = 0;
  card.setAttribute('role', 'button');
  card.setAttribute('aria-label', this.title(k));
  card.addEventListener('keydown', function (ev) {
    if (ev.target !== card || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    self.select(k, { fly: true, popup: true, focus: true });
  });
  return card;
};

App.prototype._photoList = function (k) {
  var ph = this.data.photos;
  if (!ph || !ph.i[k]) return [];
  return ph.i[k].map(function (i) { return ph.list[i]; });
};

App.prototype._thumb = function (k) {
  var src = this._photoList(k).filter(function (p) { return p.indexOf('data:image/') === 0; })[0];
  var node;
  if (src) { node = el('img', 'lk-thumb'); node.src = src; node.alt = ''; }
  else { node = el('div', 'lk-thumb'); node.style.background = this.palette[this.colorIndex[k]]; node.style.opacity = 0.5; }
  return node;
};
