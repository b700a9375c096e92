// ---- canvas layer -----------------------------------------------------------------------
var ParcelLayer = L.Layer.extend({
  initialize: function (app) { this.app = app; },
  onAdd: function (map) {
    this._canvas = L.DomUtil.create('canvas', 'leaflet-zoom-animated lk-canvas');
    map.getPane('overlayPane').appendChild(this._canvas);
    map.on('moveend resize', this._reset, this);
    map.on('zoomanim', this._animate, this);
    this._reset();
  },
  onRemove: function (map) {
    L.DomUtil.remove(this._canvas);
    map.off('moveend resize', this._reset, this);
    map.off('zoomanim', this._animate, this);
  },
  _animate: function (e) {
    var scale = this._map.getZoomScale(e.zoom);
    var offset = this._map._latLngBoundsToNewLayerBounds(this._bounds, e.zoom, e.center).min;
    L.DomUtil.setTransform(this._canvas, offset, scale);
  },
  _reset: function () {
    var map = this._map, size = map.getSize(), dpr = window.devicePixelRatio || 1;
    var W = Math.round(size.x * dpr), H = Math.round(size.y * dpr);
    this._bounds = map.getBounds();
    L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
    if (this._canvas.width !== W || this._canvas.height !== H) {  // resizing reallocates the canvas: only when it changed
      this._canvas.width = W;
      this._canvas.height = H;
      this._canvas.style.width = size.x + 'px';
      this._canvas.style.height = size.y + 'px';
      this._img = null;
    }
    this.redraw();
  },
  /* The pixel buffer for parcels drawn as dots, kept between redraws and cleared where it was written. */
  _pixels: function (ctx, W, H) {
    if (!this._img || this._img.width !== W || this._img.height !== H) {
      this._img = ctx.createImageData(W, H);
      this._buf = new Uint32Array(this._img.data.buffer);
    } else {
      this._buf.fill(0);
    }
    return this._buf;
  },
  redraw: function () {
    if (!this._map) return;
    var t0 = performance.now();
    var app = this.app, res = app.result, map = this._map, ctx = this._canvas.getContext('2d');
    var dpr = window.devicePixelRatio || 1, size = map.getSize();
    var scale = 256 * Math.pow(2, map.getZoom()), pb = map.getPixelBounds(), ox = pb.min.x, oy = pb.min.y;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    var buckets = this._dots(ctx, scale, ox, oy, dpr, [ox / scale, oy / scale, (ox + size.x) / scale, (oy + size.y) / scale]);
    var self = this;
    buckets.forEach(function (ks, ci) {
      if (!ks.length) return;
      ctx.beginPath();
      for (var j = 0; j < ks.length; j++) self._path(ctx, ks[j], scale, ox, oy);
      ctx.fillStyle = app.palette[ci];
      ctx.globalAlpha = 0.55;
      ctx.fill('evenodd');
      ctx.globalAlpha = 0.95;
      ctx.strokeStyle = app.palette[ci];
      ctx.lineWidth = 1;
      ctx.stroke();
    });
    ctx.globalAlpha = 1;
    var favs = [], anyFav = false;
    for (var key in app.favSet) { anyFav = anyFav || app.favSet[key] === true; break; }
    for (var f = 0; anyFav && f < res.length; f++) if (app.favSet[app.keys[res[f]]]) favs.push(res[f]);
    this._outline(ctx, favs, app.colors.favourite, 2.5, scale, ox, oy);
    if (app.hover >= 0) this._outline(ctx, [app.hover], '#111', 3, scale, ox, oy);
    if (app.sel >= 0) this._outline(ctx, [app.sel], app.colors.selected, 3.5, scale, ox, oy);
    app.lastDrawMs = performance.now() - t0;
    this.draws = (this.draws || 0) + 1;
  },
  /* The parcels found within the view [x0, y0, x1, y1]: those under ~2.5 px as small squares written
   * straight into a pixel buffer (one putImageData of the rows written), the others returned by colour. */
  _dots: function (ctx, scale, ox, oy, dpr, view) {
    var app = this.app, res = app.result, b = app.store.bbox, W = this._canvas.width, H = this._canvas.height;
    var pal = app.palette32, ci = app.colorIndex, buckets = app.palette.map(function () { return []; });
    var vx0 = view[0], vy0 = view[1], vx1 = view[2], vy1 = view[3], sd = scale * dpr, oxd = ox * dpr, oyd = oy * dpr;
    var tiny = 2.5 / scale, buf = null, half = Math.max(1, Math.round(1.5 * dpr)), y0 = H, y1 = -1;
    for (var i = 0; i < res.length; i++) {
      var k = res[i], bx0 = b[4 * k], by0 = b[4 * k + 1], bx1 = b[4 * k + 2], by1 = b[4 * k + 3];
      if (bx1 < vx0 || bx0 > vx1 || by1 < vy0 || by0 > vy1) continue;
      if (bx1 - bx0 >= tiny || by1 - by0 >= tiny) { buckets[ci[k]].push(k); continue; }
      if (!buf) buf = this._pixels(ctx, W, H);
      var cx = Math.round((bx0 + bx1) * 0.5 * sd - oxd), cy = Math.round((by0 + by1) * 0.5 * sd - oyd), c32 = pal[ci[k]];
      var ya = cy - half < 0 ? 0 : cy - half, yb = cy + half > H ? H : cy + half;
      var xa = cx - half < 0 ? 0 : cx - half, xb = cx + half > W ? W : cx + half;
      if (ya < y0) y0 = ya;
      if (yb > y1) y1 = yb;
      for (var row = ya * W; row < yb * W; row += W) for (var x = row + xa, xe = row + xb; x < xe; x++) buf[x] = c32;
    }
    if (buf && y1 > y0) ctx.putImageData(this._img, 0, 0, 0, y0, W, y1 - y0);  // only the rows written
    return buckets;
  },
  _outline: function (ctx, ks, color, width, scale, ox, oy) {
    if (!ks.length) return;
    ctx.beginPath();
    for (var j = 0; j < ks.length; j++) this._path(ctx, ks[j], scale, ox, oy, true);
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.stroke();
  },
  _path: function (ctx, k, scale, ox, oy, full) {
    var st = this.app.store, b = st.bbox, X = st.X, Y = st.Y;
    var px = b[4 * k] * scale - ox, py = b[4 * k + 1] * scale - oy;
    var w = (b[4 * k + 2] - b[4 * k]) * scale, h = (b[4 * k + 3] - b[4 * k + 1]) * scale;
    if (w < 2.5 && h < 2.5) {
      var m = full ? 3 : 1.6;
      ctx.rect(px + w / 2 - m, py + h / 2 - m, 2 * m, 2 * m);
      return;
    }
    for (var r = st.parcelRing[k]; r < st.parcelRing[k + 1]; r++) {
      var s = st.ringStart[r], e = st.ringStart[r + 1];
      if (e <= s) continue;
      ctx.moveTo(X[s] * scale - ox, Y[s] * scale - oy);
      for (var i = s + 1; i < e; i++) ctx.lineTo(X[i] * scale - ox, Y[i] * scale - oy);
      ctx.closePath();
    }
  }
});
