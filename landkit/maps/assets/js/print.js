// ---- print: one A4 宗地推介单 per parcel (outline with scale bar, photo, key facts, contact, link) ----
var SVG_NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs) {
  var e = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
  return e;
}

/* A "nice" scale-bar length (m) no longer than maxM. */
function niceLength(maxM) {
  var steps = [1, 2, 5], p = Math.pow(10, Math.floor(Math.log(maxM) / Math.LN10)), best = p;
  for (var e = p; e <= maxM * 10; e *= 10) steps.forEach(function (s) { if (s * e / 10 <= maxM) best = Math.max(best, s * e / 10); });
  return best;
}

/* The parcel's outline as SVG (north up), with a scale bar and a north arrow. */
App.prototype.outlineSvg = function (k, w, h) {
  var st = this.store, b = st.bbox, svg = svgEl('svg', { width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, 'class': 'lk-outline' });
  if (!(b[4 * k] <= b[4 * k + 2])) return svg;
  var pad = 24, bw = b[4 * k + 2] - b[4 * k] || 1e-12, bh = b[4 * k + 3] - b[4 * k + 1] || 1e-12;
  var s = Math.min((w - 2 * pad) / bw, (h - 2 * pad - 20) / bh), ox = (w - bw * s) / 2, oy = (h - 20 - bh * s) / 2, d = '';
  for (var r = st.parcelRing[k]; r < st.parcelRing[k + 1]; r++) {
    for (var i = st.ringStart[r]; i < st.ringStart[r + 1]; i++) {
      d += (i === st.ringStart[r] ? 'M' : 'L') + ((st.X[i] - b[4 * k]) * s + ox).toFixed(1) + ' ' + ((st.Y[i] - b[4 * k + 1]) * s + oy).toFixed(1);
    }
    d += 'Z';
  }
  svg.appendChild(svgEl('path', { d: d, fill: 'rgba(215,38,61,0.15)', stroke: '#d7263d', 'stroke-width': 2, 'fill-rule': 'evenodd' }));
  var lat = unproject(0, (b[4 * k + 1] + b[4 * k + 3]) / 2).lat;
  var mPerUnit = 40075016.686 * Math.cos(lat * Math.PI / 180), mPerPx = mPerUnit / s;
  var len = niceLength(mPerPx * w / 3), px = len / mPerPx, y = h - 10;
  svg.appendChild(svgEl('path', { d: 'M10 ' + (y - 5) + 'V' + y + 'H' + (10 + px) + 'V' + (y - 5), fill: 'none', stroke: '#222', 'stroke-width': 1.5 }));
  var t = svgEl('text', { x: 14 + px, y: y, 'font-size': 11 });
  t.textContent = len >= 1000 ? len / 1000 + ' km' : len + ' m';
  svg.appendChild(t);
  svg.appendChild(svgEl('path', { d: 'M' + (w - 16) + ' 8L' + (w - 22) + ' 26L' + (w - 16) + ' 21L' + (w - 10) + ' 26Z', fill: '#222' }));
  var n = svgEl('text', { x: w - 20, y: 40, 'font-size': 11 });
  n.textContent = this.S.north;
  svg.appendChild(n);
  return svg;
};

App.prototype.printSheet = function (k) {
  var S = this.S, sheet = el('section', 'lk-sheet-page');
  sheet.setAttribute('data-key', this.keys[k]);
  var head = el('header', 'lk-sheet-head');
  head.appendChild(el('div', 'lk-sheet-county', this.data.title));
  head.appendChild(el('div', 'lk-sheet-kind', S.offer_sheet));
  sheet.appendChild(head);
  sheet.appendChild(el('h2', null, this.title(k)));
  sheet.appendChild(this.cardTags(k));
  var price = this.col('asking_price');
  if (this.tab === 'units') sheet.appendChild(this.unitPriceLine(k, 'lk-price'));  // units.js
  else if (price && price[k] !== null) sheet.appendChild(el('div', 'lk-price', S.price_label + ' ' + fmt(price[k]) + ' ' + S.wan));
  var pics = el('div', 'lk-sheet-pics');
  pics.appendChild(this.outlineSvg(k, 330, 250));
  var photo = this._photoList(k).filter(function (p) { return p.indexOf('data:image/') === 0; })[0];
  if (photo) { var img = el('img', 'lk-sheet-photo'); img.src = photo; img.alt = this.title(k); pics.appendChild(img); }
  sheet.appendChild(pics);
  var table = el('table', 'lk-sheet-facts');
  this.factRows(k).forEach(function (r) {
    var tr = el('tr');
    tr.appendChild(el('th', null, r[0]));
    tr.appendChild(el('td', null, r[1]));
    table.appendChild(tr);
  });
  sheet.appendChild(table);
  var link = location.href.split('#')[0] + '#sel=' + encodeURIComponent(this.keys[k]);
  sheet.appendChild(el('div', 'lk-sheet-link', S.share_link + '：' + link));
  return sheet;
};

/* Print sheets for ks (default: the favourites, else the open card, else the first 50 results). */
App.prototype.buildPrintView = function (ks) {
  if (!ks || !ks.length) ks = this.favIndices();
  if (!ks.length && this.popupK >= 0) ks = [this.popupK];
  if (!ks.length) ks = this.result.slice(0, 50);
  var view = document.getElementById('lk-print-view');
  while (view.firstChild) view.removeChild(view.firstChild);
  for (var i = 0; i < ks.length; i++) view.appendChild(this.printSheet(ks[i]));
  return ks.length;
};
