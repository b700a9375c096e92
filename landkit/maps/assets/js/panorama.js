// ---- 全景式看地: a terrain thumbnail and a 360° panorama (pannellum) in the parcel card -------------
/* data.panos = {k: parcel rows, i: panorama numbers}; each panorama's JPEG is base64 text in
 * <script type="text/plain" id="lk-pano-N">, turned into a Blob URL only when its viewer opens.
 * data.thumbs = {k: parcel rows, src: JPEG data: URIs, s: raster number per row, kinds: 'hillshade' or
 * 'ortho' per raster}. Both are absent on pages without them. */

/* Row → value lookup of a sparse {k: [...], <name>: [...]} payload entry (built once). */
App.prototype._sparse = function (entry, name) {
  var cacheName = '_sparse_' + name;
  if (!this[cacheName]) {
    var map = {};
    if (entry) for (var j = 0; j < entry.k.length; j++) map[entry.k[j]] = entry[name][j];
    this[cacheName] = map;
  }
  return this[cacheName];
};

App.prototype.panoIndex = function (k) {
  var i = this._sparse(this.data.panos, 'i')[k];
  return i === undefined ? -1 : i;
};

/* The card's media row (thumbnail and/or 360° button), or null when the parcel has neither. */
App.prototype.cardMedia = function (k) {
  var self = this, M = this.data.mediaStrings, src = this._sparse(this.data.thumbs, 'src')[k], i = this.panoIndex(k);
  if (!M || (src === undefined && i < 0)) return null;
  var box = el('div', 'lk-media');
  if (src !== undefined) {
    var kinds = this.data.thumbs.kinds || [], kind = kinds[this._sparse(this.data.thumbs, 's')[k] || 0];
    var label = kind === 'ortho' ? M.thumbnail_ortho : M.thumbnail;
    var img = el('img', kind === 'ortho' ? 'lk-terrain lk-ortho' : 'lk-terrain');
    img.src = src; img.alt = label; img.title = label;
    img.width = img.height = 96;
    box.appendChild(img);
  }
  if (i >= 0) {
    var b = el('button', 'lk-btn lk-pano-open', M.panorama);
    b.type = 'button';
    b.addEventListener('click', function (ev) { ev.stopPropagation(); self.openPanorama(k); });
    box.appendChild(b);
  }
  return box;
};

/* Decode one embedded panorama into a Blob URL (revoked when the viewer closes). */
function panoramaUrl(i) {
  var text = document.getElementById('lk-pano-' + i).textContent.replace(/\s+/g, '');
  var bin = atob(text), bytes = new Uint8Array(bin.length);
  for (var j = 0; j < bin.length; j++) bytes[j] = bin.charCodeAt(j);
  return URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
}

App.prototype.openPanorama = function (k) {
  var self = this, M = this.data.mediaStrings, i = this.panoIndex(k);
  if (i < 0 || !window.pannellum) return;
  this.closePanorama();
  var box = el('div', 'lk-pano'), head = el('div', 'lk-pano-head'), view = el('div', 'lk-pano-view');
  box.id = 'lk-pano';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-modal', 'true');
  box.setAttribute('aria-label', M.panorama_title + ' · ' + this.title(k));
  head.appendChild(el('span', 'lk-pano-title', M.panorama_title + ' · ' + this.title(k)));
  var close = el('button', 'lk-btn lk-pano-close', '×');
  close.type = 'button'; close.title = this.S.close; close.setAttribute('aria-label', this.S.close);
  close.addEventListener('click', function (ev) { ev.stopPropagation(); self.closePanorama(); });
  head.appendChild(close);
  box.appendChild(head); box.appendChild(view);
  box.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { ev.stopPropagation(); self.closePanorama(); }
  });
  L.DomEvent.disableClickPropagation(box);
  document.body.appendChild(box);
  this._panoUrl = panoramaUrl(i);
  this._pano = window.pannellum.viewer(view, {
    type: 'equirectangular', panorama: this._panoUrl, autoLoad: true, compass: true, northOffset: 0,
    showFullscreenCtrl: false, hfov: 100,
    strings: {
      loadButtonLabel: M.load, loadingLabel: M.loading, genericWebGLError: M.webgl, unknownError: M.error,
      noPanoramaError: M.no_panorama, fileAccessError: M.file_access, malformedURLError: M.malformed_url,
      iOS8WebGLError: M.ios8_webgl, textureSizeError: M.texture_size, bylineLabel: M.byline
    }
  });
  labelPannellumControls(view, M);
  this._pano.on('load', function () { box.setAttribute('data-loaded', '1'); });
  this._pano.on('error', function (msg) { box.setAttribute('data-error', String(msg)); });
  this._panoBack = document.activeElement;
  close.focus();
};

/* pannellum 2.5.7's controls are bare <div>s without a tooltip or a name (its `strings` cover only messages):
 * give each a Chinese title and aria-label, and make the clickable ones buttons a keyboard can reach. */
var PANNELLUM_CONTROLS = [['.pnlm-zoom-in', 'zoom_in', true], ['.pnlm-zoom-out', 'zoom_out', true],
  ['.pnlm-fullscreen-toggle-button', 'fullscreen', true], ['.pnlm-orientation-button', 'orientation', true],
  ['.pnlm-compass', 'compass', false]];

function labelPannellumControls(view, M) {
  PANNELLUM_CONTROLS.forEach(function (c) {
    var node = view.querySelector(c[0]);
    if (!node || !M[c[1]]) return;
    node.title = M[c[1]];
    node.setAttribute('aria-label', M[c[1]]);
    node.setAttribute('role', c[2] ? 'button' : 'img');
    if (!c[2]) return;
    node.tabIndex = 0;
    node.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); node.click(); }
    });
  });
}

App.prototype.closePanorama = function () {
  if (this._pano) { this._pano.destroy(); this._pano = null; }
  if (this._panoUrl) { URL.revokeObjectURL(this._panoUrl); this._panoUrl = null; }
  var box = document.getElementById('lk-pano');
  if (!box) return;
  box.parentNode.removeChild(box);
  if (this._panoBack && this._panoBack.focus && document.body.contains(this._panoBack)) this._panoBack.focus();
  this._panoBack = null;
};
