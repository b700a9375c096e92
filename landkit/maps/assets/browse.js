/* landkit browse page (淘宝式选地).
 * Parcels are drawn by one canvas layer, styled by category; the sidebar list is virtual.
 * Every value from the data is put in the page with textContent / attributes, never as HTML.
 */
(function () {
  'use strict';

  var CARD_H = 92;
  var MU_M2 = 10000 / 15;
  var DAY_MS = 86400000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || v !== v) return '';
    return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: digits === undefined ? 2 : digits });
  }

  function isoDate(days) {
    if (days === null || days === undefined) return '';
    return new Date(days * DAY_MS).toISOString().slice(0, 10);
  }

  // ---- decoding ---------------------------------------------------------------------------
  function decodeInts(s, out) {
    var value = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var b = s.charCodeAt(i) - 63;
      value |= (b & 31) << shift;
      shift += 5;
      if (b < 32) {
        out.push(value & 1 ? ~(value >> 1) : value >> 1);
        value = 0; shift = 0;
      }
    }
    return out;
  }

  function mercX(lon) { return (lon + 180) / 360; }
  function mercY(lat) {
    var max = 85.0511287798;
    lat = Math.max(Math.min(lat, max), -max);
    var s = Math.sin(lat * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  /* Decode one geometry string to rings of [lat, lng] (for Leaflet) */
  function decodeLatLngs(text, ox, oy, prec) {
    var polys = [];
    if (!text) return polys;
    text.split(';').forEach(function (poly) {
      var rings = [];
      poly.split(',').forEach(function (ring) {
        var nums = decodeInts(ring, []), x = 0, y = 0, pts = [];
        for (var i = 0; i + 1 < nums.length; i += 2) {
          x += nums[i]; y += nums[i + 1];
          pts.push([oy + y * prec, ox + x * prec]);
        }
        rings.push(pts);
      });
      polys.push(rings);
    });
    return polys;
  }

  function decodeColumns(cols, n) {
    var out = {};
    Object.keys(cols).forEach(function (name) {
      var c = cols[name], vals;
      if (c.d) {
        vals = new Array(n);
        for (var k = 0; k < n; k++) vals[k] = c.i[k] < 0 ? null : c.d[c.i[k]];
      } else {
        vals = c.v;
      }
      out[name] = { t: c.t, v: vals, x: c.x ? decodeColumns({ x: c.x }, n).x.v : null };
    });
    return out;
  }

  // ---- the geometry store -----------------------------------------------------------------
  function Store(data) {
    var n = data.n, ox = data.origin[0], oy = data.origin[1], prec = data.prec;
    var X = [], Y = [], ringStart = [], parcelRing = new Int32Array(n + 1);
    var bbox = new Float64Array(4 * n), nums = [];
    for (var k = 0; k < n; k++) {
      parcelRing[k] = ringStart.length;
      var text = data.geom[k], x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      if (text) {
        var parts = text.split(/[;,]/);
        for (var r = 0; r < parts.length; r++) {
          nums.length = 0;
          decodeInts(parts[r], nums);
          ringStart.push(X.length);
          var qx = 0, qy = 0;
          for (var i = 0; i + 1 < nums.length; i += 2) {
            qx += nums[i]; qy += nums[i + 1];
            var mx = mercX(ox + qx * prec), my = mercY(oy + qy * prec);
            X.push(mx); Y.push(my);
            if (mx < x0) x0 = mx; if (mx > x1) x1 = mx;
            if (my < y0) y0 = my; if (my > y1) y1 = my;
          }
        }
      }
      bbox[4 * k] = x0; bbox[4 * k + 1] = y0; bbox[4 * k + 2] = x1; bbox[4 * k + 3] = y1;
    }
    parcelRing[n] = ringStart.length;
    ringStart.push(X.length);
    this.n = n;
    this.X = Float64Array.from(X);
    this.Y = Float64Array.from(Y);
    this.ringStart = Int32Array.from(ringStart);
    this.parcelRing = parcelRing;
    this.bbox = bbox;
    this._grid();
  }

  Store.prototype._grid = function () {
    var n = this.n, b = this.bbox, gx0 = Infinity, gy0 = Infinity, gx1 = -Infinity, gy1 = -Infinity;
    for (var k = 0; k < n; k++) {
      if (!(b[4 * k] <= b[4 * k + 2])) continue;
      gx0 = Math.min(gx0, b[4 * k]); gy0 = Math.min(gy0, b[4 * k + 1]);
      gx1 = Math.max(gx1, b[4 * k + 2]); gy1 = Math.max(gy1, b[4 * k + 3]);
    }
    var G = Math.max(8, Math.min(512, Math.ceil(Math.sqrt(n))));
    this.G = G; this.gx0 = gx0; this.gy0 = gy0;
    this.gw = (gx1 - gx0) / G || 1e-9; this.gh = (gy1 - gy0) / G || 1e-9;
    var cells = new Array(G * G);
    for (var k2 = 0; k2 < n; k2++) {
      if (!(b[4 * k2] <= b[4 * k2 + 2])) continue;
      var c0 = this._cx(b[4 * k2]), c1 = this._cx(b[4 * k2 + 2]);
      var r0 = this._cy(b[4 * k2 + 1]), r1 = this._cy(b[4 * k2 + 3]);
      for (var r = r0; r <= r1; r++) {
        for (var c = c0; c <= c1; c++) {
          var id = r * G + c;
          (cells[id] || (cells[id] = [])).push(k2);
        }
      }
    }
    this.cells = cells;
  };
  Store.prototype._cx = function (x) { return Math.max(0, Math.min(this.G - 1, Math.floor((x - this.gx0) / this.gw))); };
  Store.prototype._cy = function (y) { return Math.max(0, Math.min(this.G - 1, Math.floor((y - this.gy0) / this.gh))); };

  Store.prototype.contains = function (k, x, y) {
    var b = this.bbox;
    if (x < b[4 * k] || x > b[4 * k + 2] || y < b[4 * k + 1] || y > b[4 * k + 3]) return false;
    var inside = false, X = this.X, Y = this.Y;
    for (var r = this.parcelRing[k]; r < this.parcelRing[k + 1]; r++) {
      var s = this.ringStart[r], e = this.ringStart[r + 1];
      for (var i = s, j = e - 1; i < e; j = i++) {
        if ((Y[i] > y) !== (Y[j] > y) && x < (X[j] - X[i]) * (y - Y[i]) / (Y[j] - Y[i]) + X[i]) inside = !inside;
      }
    }
    return inside;
  };

  Store.prototype.hit = function (x, y, visible) {
    if (x < this.gx0 || y < this.gy0) return -1;
    var cand = this.cells[this._cy(y) * this.G + this._cx(x)] || [], best = -1, bestArea = Infinity, b = this.bbox;
    for (var i = 0; i < cand.length; i++) {
      var k = cand[i];
      if (!visible[k] || !this.contains(k, x, y)) continue;
      var a = (b[4 * k + 2] - b[4 * k]) * (b[4 * k + 3] - b[4 * k + 1]);
      if (a < bestArea) { bestArea = a; best = k; }
    }
    return best;
  };

  /* A point inside parcel k (normalised Mercator): bbox centre, else a midpoint of a crossing. */
  Store.prototype.interior = function (k) {
    var b = this.bbox, cx = (b[4 * k] + b[4 * k + 2]) / 2, cy = (b[4 * k + 1] + b[4 * k + 3]) / 2;
    if (this.contains(k, cx, cy)) return [cx, cy];
    var xs = [], X = this.X, Y = this.Y;
    for (var r = this.parcelRing[k]; r < this.parcelRing[k + 1]; r++) {
      var s = this.ringStart[r], e = this.ringStart[r + 1];
      for (var i = s, j = e - 1; i < e; j = i++) {
        if ((Y[i] > cy) !== (Y[j] > cy)) xs.push((X[j] - X[i]) * (cy - Y[i]) / (Y[j] - Y[i]) + X[i]);
      }
    }
    xs.sort(function (a, c) { return a - c; });
    return xs.length >= 2 ? [(xs[0] + xs[1]) / 2, cy] : [cx, cy];
  };

  function unproject(x, y) {
    var lat = (2 * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - Math.PI / 2) * 180 / Math.PI;
    return L.latLng(lat, x * 360 - 180);
  }

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
      this._bounds = map.getBounds();
      L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
      this._canvas.width = Math.round(size.x * dpr);
      this._canvas.height = Math.round(size.y * dpr);
      this._canvas.style.width = size.x + 'px';
      this._canvas.style.height = size.y + 'px';
      this.redraw();
    },
    redraw: function () {
      if (!this._map) return;
      var t0 = performance.now();
      var app = this.app, st = app.store, map = this._map, ctx = this._canvas.getContext('2d');
      var dpr = window.devicePixelRatio || 1, size = map.getSize();
      var scale = 256 * Math.pow(2, map.getZoom()), pb = map.getPixelBounds(), ox = pb.min.x, oy = pb.min.y;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      var vx0 = ox / scale, vy0 = oy / scale, vx1 = (ox + size.x) / scale, vy1 = (oy + size.y) / scale;
      var buckets = app.palette.map(function () { return []; });
      var res = app.result, b = st.bbox, W = this._canvas.width, H = this._canvas.height;
      var tiny = 2.5 / scale, img = null, buf = null, half = Math.max(1, Math.round(1.5 * dpr));
      for (var i = 0; i < res.length; i++) {
        var k = res[i];
        if (b[4 * k + 2] < vx0 || b[4 * k] > vx1 || b[4 * k + 3] < vy0 || b[4 * k + 1] > vy1) continue;
        if (b[4 * k + 2] - b[4 * k] < tiny && b[4 * k + 3] - b[4 * k + 1] < tiny) {
          // A parcel smaller than ~2 px: a small square written straight into the pixel buffer.
          if (!img) { img = ctx.createImageData(W, H); buf = new Uint32Array(img.data.buffer); }
          var cx = Math.round(((b[4 * k] + b[4 * k + 2]) / 2 * scale - ox) * dpr);
          var cy = Math.round(((b[4 * k + 1] + b[4 * k + 3]) / 2 * scale - oy) * dpr);
          var c32 = app.palette32[app.colorIndex[k]];
          for (var yy = Math.max(0, cy - half); yy < Math.min(H, cy + half); yy++) {
            for (var xx = Math.max(0, cx - half); xx < Math.min(W, cx + half); xx++) buf[yy * W + xx] = c32;
          }
          continue;
        }
        buckets[app.colorIndex[k]].push(k);
      }
      if (img) ctx.putImageData(img, 0, 0);
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
      var favs = [];
      for (var f = 0; f < res.length; f++) if (app.favSet[app.keys[res[f]]]) favs.push(res[f]);
      this._outline(ctx, favs, app.colors.favourite, 2.5, scale, ox, oy);
      if (app.hover >= 0) this._outline(ctx, [app.hover], '#111', 3, scale, ox, oy);
      if (app.sel >= 0) this._outline(ctx, [app.sel], app.colors.selected, 3.5, scale, ox, oy);
      app.lastDrawMs = performance.now() - t0;
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

  App.prototype._initKeys = function () {
    var ids = this.data.keyField ? this.col(this.data.keyField) : null, keys = new Array(this.n), index = {};
    for (var k = 0; k < this.n; k++) {
      keys[k] = ids ? String(ids[k]) : '#' + k;
      index[keys[k]] = k;
    }
    this.keys = keys;
    this.index = index;
  };

  App.prototype._initDerived = function () {
    var n = this.n, area = this.col('area_m2'), price = this.col('asking_price');
    this.areaMu = new Float64Array(n);
    this.unit = new Float64Array(n);
    for (var k = 0; k < n; k++) {
      var a = area && area[k] !== null ? area[k] / MU_M2 : NaN;
      this.areaMu[k] = a;
      this.unit[k] = price && price[k] !== null && a > 0 ? price[k] / a : NaN;
    }
    this.useField = ['landuse_name', 'planned_use', 'landuse_code'].filter(function (f) { return this.cols[f]; }, this)[0] || null;
    var z = this.data.zones;
    this.zoneList = z ? z.list : [];
    this.zonesOf = new Array(n);
    for (var k2 = 0; k2 < n; k2++) this.zonesOf[k2] = z && z.i[k2] >= 0 ? z.combos[z.i[k2]] : [];
  };

  App.prototype._initStyle = function () {
    var keys = this.data.categories.keys, colors = this.colors, palette = [], cat = this.col('categories');
    keys.forEach(function (key) { palette.push(colors[key] || '#888'); });
    palette.push(colors.none);
    this.palette = palette;
    // The same colours as 32-bit RGBA pixels (little-endian: A B G R), alpha 0.85.
    this.palette32 = new Uint32Array(palette.map(function (hex) {
      var v = parseInt(hex.slice(1), 16);
      return ((217 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | ((v >> 16) & 255)) >>> 0;
    }));
    this.colorIndex = new Uint8Array(this.n);
    for (var k = 0; k < this.n; k++) {
      var m = cat ? cat[k] : 0, ci = keys.length;
      for (var b = 0; b < keys.length; b++) if (m & (1 << b)) { ci = b; break; }
      this.colorIndex[k] = ci;
    }
  };

  App.prototype._initSearch = function () {
    var fields = ['name', 'parcel_id', 'location', 'township', 'village', 'holder', 'user_unit', 'landuse_name', 'planned_use'];
    var cols = fields.map(function (f) { return this.col(f); }, this).filter(Boolean);
    var text = new Array(this.n), zl = this.zoneList;
    for (var k = 0; k < this.n; k++) {
      var parts = [];
      for (var c = 0; c < cols.length; c++) if (cols[c][k] !== null && cols[c][k] !== undefined) parts.push(cols[c][k]);
      var zs = this.zonesOf[k];
      for (var z = 0; z < zs.length; z++) parts.push(zl[zs[z]].name);
      text[k] = parts.join(' ').toLowerCase();
    }
    this.searchText = text;
  };

  App.prototype._emptyState = function () {
    return { q: '', cat: [], st: [], z: [], use: [], a: ['', ''], p: ['', ''], u: ['', ''], sort: '', fav: false };
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

  // ---- filtering ----------------------------------------------------------------------------
  function num(v) { return v === '' || v === null || v === undefined ? NaN : parseFloat(v); }

  App.prototype.apply = function (keepScroll) {
    var t0 = performance.now(), s = this.state, n = this.n, out = [];
    var terms = s.q.toLowerCase().split(/\s+/).filter(Boolean);
    var catMask = 0, keys = this.data.categories.keys;
    s.cat.forEach(function (c) { var i = keys.indexOf(c); if (i >= 0) catMask |= 1 << i; });
    var cat = this.col('categories'), stc = this.col('status'), use = this.useField ? this.col(this.useField) : null;
    var price = this.col('asking_price');
    var stSet = toSet(s.st), useSet = toSet(s.use), zSet = {}, zAny = s.z.length > 0;
    var zl = this.zoneList;
    zl.forEach(function (z, i) { if (s.z.indexOf(z.id) >= 0) zSet[i] = true; });
    var amin = num(s.a[0]), amax = num(s.a[1]), pmin = num(s.p[0]), pmax = num(s.p[1]);
    var umin = num(s.u[0]), umax = num(s.u[1]);
    var visible = new Uint8Array(n);
    for (var k = 0; k < n; k++) {
      if (catMask && !(cat && cat[k] & catMask)) continue;
      if (s.st.length && !(stc && stSet[stc[k]])) continue;
      if (s.use.length && !(use && useSet[use[k]])) continue;
      if (zAny) {
        var zs = this.zonesOf[k], hit = false;
        for (var z = 0; z < zs.length; z++) if (zSet[zs[z]]) { hit = true; break; }
        if (!hit) continue;
      }
      var a = this.areaMu[k];
      if ((amin === amin && !(a >= amin)) || (amax === amax && !(a <= amax))) continue;
      var p = price ? price[k] : null;
      if ((pmin === pmin || pmax === pmax) && (p === null || p === undefined)) continue;
      if ((pmin === pmin && !(p >= pmin)) || (pmax === pmax && !(p <= pmax))) continue;
      var u = this.unit[k];
      if ((umin === umin && !(u >= umin)) || (umax === umax && !(u <= umax))) continue;
      if (s.fav && !this.favSet[this.keys[k]]) continue;
      if (terms.length) {
        var txt = this.searchText[k], ok = true;
        for (var t = 0; t < terms.length; t++) if (txt.indexOf(terms[t]) < 0) { ok = false; break; }
        if (!ok) continue;
      }
      visible[k] = 1;
      out.push(k);
    }
    this._sort(out);
    this.result = out;
    this.visible = visible;
    this.pos = new Int32Array(n).fill(-1);
    for (var i = 0; i < out.length; i++) this.pos[out[i]] = i;
    this.lastFilterMs = performance.now() - t0;
    this._updateCount();
    if (this.layer) this.layer.redraw();
    this.renderCards(!keepScroll);
    this.writeHash();
  };

  function toSet(arr) { var o = {}; arr.forEach(function (v) { o[v] = true; }); return o; }

  App.prototype._sort = function (out) {
    var s = this.state.sort;
    if (!s) return;
    var parts = s.split('_'), field = parts[0], desc = parts[1] === 'desc', vals;
    if (field === 'area') vals = this.areaMu;
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
    var meta = [];
    if (this.areaMu[k] === this.areaMu[k]) meta.push(fmt(this.areaMu[k], 1) + ' ' + S.mu);
    if (this.useField && this.col(this.useField)[k]) meta.push(this.col(this.useField)[k]);
    var town = this.col('township');
    if (town && town[k]) meta.push(town[k]);
    card.appendChild(el('div', 'lk-card-meta', meta.join(' · ')));
    var price = this.col('asking_price');
    if (price && price[k] !== null) {
      var line = S.price_label + ' ' + fmt(price[k]) + ' ' + S.wan;
      if (this.unit[k] === this.unit[k]) line += ' · ' + fmt(this.unit[k]) + ' ' + S.wan_per_mu;
      card.appendChild(el('div', 'lk-card-price', line));
    }
    var tags = el('div', 'lk-card-meta');
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
    if (k < 0) { this.map.closePopup(); this.writeHash(); return; }
    var hasGeom = this.store.bbox[4 * k] <= this.store.bbox[4 * k + 2];
    if (opts.fly && hasGeom) this.map.fitBounds(this.bounds(k), { maxZoom: 16, padding: [60, 60], animate: !opts.instant });
    if (opts.scroll && this.pos[k] >= 0) {
      var top = this.pos[k] * CARD_H, list = this.listEl;
      if (top < list.scrollTop || top + CARD_H > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(0, top - (list.clientHeight - CARD_H) / 2);
      }
      this.renderCards(false);
    }
    if (opts.popup && hasGeom) this.openPopup(k);
    this.writeHash();
  };

  App.prototype.openPopup = function (k) {
    var p = this.store.interior(k);
    this.popup = L.popup({ maxWidth: 320, minWidth: 300, autoPanPadding: [30, 30] })
      .setLatLng(unproject(p[0], p[1]))
      .setContent(this.productCard(k))
      .openOn(this.map);
    this.popupK = k;
  };

  App.prototype._refreshPopupButtons = function () {
    if (this.popup && this.map.hasLayer(this.popup) && this.popupK >= 0) this.popup.setContent(this.productCard(this.popupK));
  };

  // ---- product card ---------------------------------------------------------------------
  var CARD_FIELDS = ['parcel_id', 'area_m2', 'asking_price', 'status', 'categories', 'landuse_name', 'planned_use',
    'landuse_code', 'township', 'village', 'location', 'construction_status', 'disposal_method', 'contact',
    'elev_mean_m', 'slope_mean_deg', 'name', 'listed_date'];

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
    if (name === 'construction_status') return (this.data.construction || {})[v] || v;
    if (c.t === 'n') return fmt(v) + (this.data.units[name] && this.data.units[name] !== 'm2' ? ' ' + this.data.units[name] : (name.slice(-3) === '_m2' ? ' m²' : ''));
    return String(v);
  };

  App.prototype.zoneText = function (k) {
    var zl = this.zoneList;
    return this.zonesOf[k].map(function (z) { return zl[z].name; }).join('、');
  };

  App.prototype.productCard = function (k) {
    var self = this, S = this.S, root = el('div', 'lk-popup');
    root.setAttribute('data-key', this.keys[k]);
    root.appendChild(this._gallery(k));
    root.appendChild(el('h3', null, this.title(k)));
    var tags = el('div');
    this.categoryLabels(k).forEach(function (pair) {
      var t = el('span', 'lk-tag', pair[1]);
      t.style.background = self.colors[pair[0]] || '#888';
      tags.appendChild(t);
    });
    root.appendChild(tags);
    var price = this.col('asking_price');
    if (price && price[k] !== null) {
      var pl = el('div', 'lk-price', S.price_label + ' ' + fmt(price[k]) + ' ' + S.wan);
      root.appendChild(pl);
    }
    var dl = el('dl', 'lk-dl');
    function row(label, text) {
      if (text === '' || text === null || text === undefined) return;
      dl.appendChild(el('dt', null, label));
      dl.appendChild(el('dd', null, text));
    }
    var L_ = this.data.labels;
    row(L_.parcel_id || '', this.valueText('parcel_id', k));
    if (this.areaMu[k] === this.areaMu[k]) {
      row(S.area_label, fmt(this.areaMu[k], 2) + ' ' + S.mu + '（' + fmt(this.col('area_m2')[k], 0) + ' ' + S.m2 + '）');
    }
    if (this.unit[k] === this.unit[k]) row(S.unit_price_label, fmt(this.unit[k]) + ' ' + S.wan_per_mu);
    if (this.useField) row(L_[this.useField], this.valueText(this.useField, k));
    row(S.zones_label, this.zoneText(k));
    ['township', 'location', 'status', 'construction_status', 'disposal_method', 'listed_date'].forEach(function (f) {
      if (self.cols[f]) row(L_[f], self.valueText(f, k));
    });
    if (this.cols.elev_mean_m) row(S.elev, this.valueText('elev_mean_m', k).replace(/\s.*$/, '') + ' m');
    if (this.cols.slope_mean_deg) row(S.slope, this.valueText('slope_mean_deg', k).replace(/\s.*$/, '') + '°');
    if (this.cols.contact) row(S.contact, this.valueText('contact', k));
    root.appendChild(dl);
    var rest = Object.keys(this.cols).filter(function (f) { return CARD_FIELDS.indexOf(f) < 0 && f !== self.useField; });
    if (rest.length) {
      var det = el('details', 'lk-details');
      det.appendChild(el('summary', null, S.details));
      var dl2 = el('dl', 'lk-dl');
      rest.forEach(function (f) {
        var txt = self.valueText(f, k);
        if (txt === '') return;
        dl2.appendChild(el('dt', null, L_[f] || f));
        dl2.appendChild(el('dd', null, txt));
      });
      det.appendChild(dl2);
      root.appendChild(det);
    }
    var actions = el('div', 'lk-row');
    var fav = el('button', 'lk-btn lk-fav', this.favSet[this.keys[k]] ? S.favourite_remove : S.favourite_add);
    fav.type = 'button';
    fav.setAttribute('aria-pressed', this.favSet[this.keys[k]] ? 'true' : 'false');
    fav.addEventListener('click', function () { self.toggleFav(k); });
    var cmp = el('button', 'lk-btn lk-cmp', this.cmp.indexOf(k) >= 0 ? S.compare_remove : S.compare_add);
    cmp.type = 'button';
    cmp.addEventListener('click', function () { self.toggleCompare(k); self._refreshPopupButtons(); });
    actions.appendChild(fav);
    actions.appendChild(cmp);
    root.appendChild(actions);
    return root;
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

  // ---- compare ----------------------------------------------------------------------------
  App.prototype.toggleCompare = function (k) {
    var i = this.cmp.indexOf(k);
    if (i >= 0) this.cmp.splice(i, 1);
    else if (this.cmp.length >= 4) { this.toast(this.S.compare_full); return; }
    else this.cmp.push(k);
    this._updateCompareButton();
    this.renderCards(false);
    if (!document.getElementById('lk-compare').hidden) this.showCompare();
  };

  App.prototype._updateCompareButton = function () {
    document.getElementById('lk-compare-btn').textContent = this.S.compare + ' (' + this.cmp.length + ')';
  };

  App.prototype.compareRows = function () {
    var self = this, S = this.S, rows = [];
    rows.push([S.area_label + ' (' + S.mu + ')', function (k) { return fmt(self.areaMu[k], 2); }]);
    rows.push([S.price_label + ' (' + S.wan + ')', function (k) { return self.valueText('asking_price', k).replace(/\s.*$/, ''); }]);
    rows.push([S.unit_price_label + ' (' + S.wan_per_mu + ')', function (k) { return fmt(self.unit[k]); }]);
    rows.push([S.zones_label, function (k) { return self.zoneText(k); }]);
    Object.keys(this.cols).forEach(function (f) {
      if (f === 'asking_price' || f === 'area_m2') return;
      rows.push([self.data.labels[f] || f, function (k) { return self.valueText(f, k); }]);
    });
    return rows;
  };

  App.prototype.showCompare = function () {
    var self = this, S = this.S, panel = document.getElementById('lk-compare');
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var close = el('button', 'lk-btn', S.close);
    close.type = 'button';
    close.addEventListener('click', function () { panel.hidden = true; });
    panel.appendChild(close);
    if (this.cmp.length < 2) {
      panel.appendChild(el('p', null, S.compare_need));
      panel.hidden = false;
      return;
    }
    var table = el('table', 'lk-compare-table'), head = el('tr');
    head.appendChild(el('th', null, ''));
    this.cmp.forEach(function (k) { head.appendChild(el('th', null, self.title(k))); });
    table.appendChild(head);
    this.compareRows().forEach(function (r) {
      var tr = el('tr');
      tr.appendChild(el('th', null, r[0]));
      self.cmp.forEach(function (k) { tr.appendChild(el('td', null, r[1](k))); });
      table.appendChild(tr);
    });
    panel.appendChild(table);
    panel.hidden = false;
  };

  // ---- CSV export and print ---------------------------------------------------------------
  App.prototype.shortlistTable = function (ks) {
    var self = this, rows = this.compareRows(), header = [this.data.labels.name || 'name'].concat(rows.map(function (r) { return r[0]; }));
    var body = ks.map(function (k) { return [self.title(k)].concat(rows.map(function (r) { return r[1](k); })); });
    return [header].concat(body);
  };

  function csvCell(v) {
    var s = String(v === null || v === undefined ? '' : v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // keep spreadsheet formulas inert
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  App.prototype.shortlistCSV = function () {
    var ks = this.favIndices();
    return '\ufeff' + this.shortlistTable(ks).map(function (r) { return r.map(csvCell).join(','); }).join('\r\n') + '\r\n';
  };

  App.prototype.exportCSV = function () {
    var blob = new Blob([this.shortlistCSV()], { type: 'text/csv;charset=utf-8' });
    var a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'shortlist.csv';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  };

  App.prototype.buildPrintView = function () {
    var ks = this.favIndices();
    if (!ks.length) ks = this.result.slice(0, 500);
    var view = document.getElementById('lk-print-view');
    while (view.firstChild) view.removeChild(view.firstChild);
    view.appendChild(el('h2', null, this.data.title));
    var table = el('table');
    this.shortlistTable(ks).forEach(function (r, i) {
      var tr = el('tr');
      r.forEach(function (v) { tr.appendChild(el(i ? 'td' : 'th', null, v)); });
      table.appendChild(tr);
    });
    view.appendChild(table);
    return ks.length;
  };

  App.prototype.toast = function (text) {
    var t = document.getElementById('lk-toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(this._toastTimer);
    this._toastTimer = setTimeout(function () { t.hidden = true; }, 1800);
  };

  // ---- URL hash -----------------------------------------------------------------------------
  App.prototype.hashString = function () {
    var s = this.state, p = [];
    function put(k, v) { if (v !== '' && v !== null && v !== undefined) p.push(k + '=' + encodeURIComponent(v)); }
    put('q', s.q);
    put('cat', s.cat.join(','));
    put('st', s.st.join(','));
    put('z', s.z.join(','));
    put('use', s.use.join('|'));
    ['a', 'p', 'u'].forEach(function (k) { if (s[k][0] !== '' || s[k][1] !== '') put(k, s[k][0] + '~' + s[k][1]); });
    put('sort', s.sort);
    if (s.fav) put('fav', '1');
    if (this.sel >= 0) put('sel', this.keys[this.sel]);
    return p.join('&');
  };

  App.prototype.writeHash = function () {
    if (this._restoring) return;
    var h = this.hashString();
    this._lastHash = h;
    try { history.replaceState(null, '', h ? '#' + h : location.pathname + location.search); }
    catch (err) { location.hash = h; }
  };

  App.prototype.readHash = function () {
    var h = location.hash.replace(/^#/, ''), s = this._emptyState(), sel = null;
    if (h) {
      h.split('&').forEach(function (part) {
        var i = part.indexOf('='), k = part.slice(0, i), v = decodeURIComponent(part.slice(i + 1));
        if (k === 'q' || k === 'sort') s[k] = v;
        else if (k === 'cat' || k === 'st' || k === 'z') s[k] = v ? v.split(',') : [];
        else if (k === 'use') s.use = v ? v.split('|') : [];
        else if (k === 'a' || k === 'p' || k === 'u') s[k] = (v.split('~').concat(['', ''])).slice(0, 2);
        else if (k === 'fav') s.fav = v === '1';
        else if (k === 'sel') sel = v;
      });
    }
    this.state = s;
    return sel;
  };

  // ---- sidebar ------------------------------------------------------------------------------
  App.prototype.buildSidebar = function () {
    var self = this, S = this.S, box = document.getElementById('lk-filters');
    document.getElementById('lk-title').textContent = this.data.title;
    document.title = this.data.title;
    var q = document.getElementById('lk-q');
    q.placeholder = S.search;
    var qTimer;
    q.addEventListener('input', function () {
      clearTimeout(qTimer);
      qTimer = setTimeout(function () { self.state.q = q.value.trim(); self.apply(); }, 120);
    });
    this.chips = {};
    function chipGroup(title, group, items, parent) {
      if (!items.length) return;
      var g = el('div', 'lk-group');
      if (title) g.appendChild(el('div', 'lk-group-title', title));
      items.forEach(function (it) {
        var b = el('button', 'lk-chip', it[1]);
        b.type = 'button';
        b.setAttribute('data-group', group);
        b.setAttribute('data-value', it[0]);
        b.setAttribute('aria-pressed', 'false');
        b.addEventListener('click', function () {
          var arr = self.state[group], i = arr.indexOf(it[0]);
          if (i >= 0) arr.splice(i, 1); else arr.push(it[0]);
          b.setAttribute('aria-pressed', i >= 0 ? 'false' : 'true');
          self.apply();
        });
        (self.chips[group] || (self.chips[group] = [])).push(b);
        g.appendChild(b);
      });
      (parent || box).appendChild(g);
    }
    var cat = this.col('categories'), present = 0;
    if (cat) for (var k = 0; k < this.n; k++) present |= cat[k];
    var cats = this.data.categories;
    chipGroup(S.category, 'cat', cats.keys.filter(function (c, b) { return present & (1 << b); })
      .map(function (c) { return [c, cats.labels[c]]; }));
    chipGroup(S.status, 'st', distinct(this.col('status')).map(function (v) { return [v, self.data.statuses[v] || v]; }));
    if (this.zoneList.length) {
      var zg = el('div', 'lk-group');
      zg.appendChild(el('div', 'lk-group-title', S.zone));
      var kinds = this.data.zoneKinds.slice();
      this.zoneList.forEach(function (z) { if (kinds.indexOf(z.kind) < 0) kinds.push(z.kind); });
      kinds.forEach(function (kind) {
        var items = self.zoneList.filter(function (z) { return z.kind === kind; }).map(function (z) { return [z.id, z.name]; });
        if (!items.length) return;
        var sub = el('div', 'lk-zonekind');
        sub.appendChild(el('span', 'lk-subtitle', kind));
        chipGroup(null, 'z', items, sub);
        zg.appendChild(sub);
      });
      box.appendChild(zg);
    }
    if (this.useField) chipGroup(S.landuse, 'use', distinct(this.col(this.useField)).map(function (v) { return [v, v]; }));
    this.rangeInputs = {};
    [['a', S.area], ['p', S.price], ['u', S.unit_price]].forEach(function (pair) {
      if (pair[0] !== 'a' && !self.cols.asking_price) return;
      var g = el('div', 'lk-group');
      g.appendChild(el('div', 'lk-group-title', pair[1]));
      var r = el('div', 'lk-range'), inputs = [];
      [S.min, S.max].forEach(function (ph, i) {
        var inp = el('input');
        inp.type = 'number'; inp.min = '0'; inp.step = 'any'; inp.placeholder = ph;
        inp.id = 'lk-' + pair[0] + (i ? 'max' : 'min');
        inp.addEventListener('change', function () { self.state[pair[0]][i] = inp.value; self.apply(); });
        inputs.push(inp);
        r.appendChild(inp);
        if (!i) r.appendChild(document.createTextNode('–'));
      });
      self.rangeInputs[pair[0]] = inputs;
      g.appendChild(r);
      box.appendChild(g);
    });
    var sort = document.getElementById('lk-sort');
    document.getElementById('lk-sort-label').textContent = S.sort;
    ['', 'area_desc', 'area_asc', 'price_asc', 'price_desc', 'unit_asc', 'unit_desc', 'listed_desc', 'listed_asc'].forEach(function (v) {
      var o = el('option', null, S[v ? 'sort_' + v : 'sort_default']);
      o.value = v;
      sort.appendChild(o);
    });
    sort.addEventListener('change', function () { self.state.sort = sort.value; self.apply(); });
    var reset = document.getElementById('lk-reset');
    reset.textContent = S.reset;
    reset.addEventListener('click', function () { self.state = self._emptyState(); self.syncControls(); self.apply(); });
    var favOnly = document.getElementById('lk-favonly');
    favOnly.textContent = S.only_favourites;
    favOnly.addEventListener('click', function () { self.state.fav = !self.state.fav; self.syncControls(); self.apply(); });
    document.getElementById('lk-compare-btn').addEventListener('click', function () { self.showCompare(); });
    this._updateCompareButton();
    var exp = document.getElementById('lk-export');
    exp.textContent = S.export_csv;
    exp.addEventListener('click', function () { self.exportCSV(); });
    var pr = document.getElementById('lk-print');
    pr.textContent = S.print;
    pr.addEventListener('click', function () { self.buildPrintView(); window.print(); });
    var share = document.getElementById('lk-share');
    share.textContent = S.share;
    share.addEventListener('click', function () {
      self.writeHash();
      try { navigator.clipboard.writeText(location.href).then(function () { self.toast(S.copied); }, function () { self.toast(location.href); }); }
      catch (err) { self.toast(location.href); }
    });
    document.getElementById('lk-empty').textContent = S.no_result;
    this.listEl = document.getElementById('lk-list');
    this.spacerEl = document.getElementById('lk-spacer');
    var ticking = false;
    this.listEl.addEventListener('scroll', function () {
      if (ticking) return;
      ticking = true;
      requestAnimationFrame(function () { ticking = false; self.renderCards(false); });
    });
    window.addEventListener('resize', function () { self.renderCards(false); });
  };

  function distinct(vals) {
    if (!vals) return [];
    var seen = {}, out = [];
    for (var i = 0; i < vals.length; i++) {
      var v = vals[i];
      if (v !== null && v !== undefined && !seen[v]) { seen[v] = true; out.push(v); }
    }
    return out.sort();
  }

  App.prototype.syncControls = function () {
    var s = this.state, self = this;
    document.getElementById('lk-q').value = s.q;
    Object.keys(this.chips).forEach(function (group) {
      self.chips[group].forEach(function (b) {
        b.setAttribute('aria-pressed', s[group].indexOf(b.getAttribute('data-value')) >= 0 ? 'true' : 'false');
      });
    });
    Object.keys(this.rangeInputs).forEach(function (k) {
      self.rangeInputs[k][0].value = s[k][0];
      self.rangeInputs[k][1].value = s[k][1];
    });
    document.getElementById('lk-sort').value = s.sort;
    document.getElementById('lk-favonly').setAttribute('aria-pressed', s.fav ? 'true' : 'false');
  };

  // ---- map controls -------------------------------------------------------------------------
  App.prototype.buildMap = function () {
    var self = this, map = this.map, data = this.data, S = this.S;
    var bm = data.basemap, bases = {}, overlays = {};
    if (!bm.layers.length) {
      bases[bm.noneLabel] = L.layerGroup().addTo(map);
    }
    bm.layers.forEach(function (spec, i) {
      var group = L.layerGroup(spec.tiles.map(function (url) {
        return L.tileLayer(url, { subdomains: spec.subdomains || 'abc', maxZoom: spec.maxZoom, attribution: spec.attribution });
      }));
      bases[spec.label] = group;
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
    Object.keys(zoneGroups).forEach(function (kind) { overlays[S.zone + '：' + kind] = zoneGroups[kind].addTo(map); });
    this.layer = new ParcelLayer(this).addTo(map);
    overlays[S.parcels_layer] = this.layer;
    L.control.layers(bases, overlays, { collapsed: true }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    var Legend = L.Control.extend({
      onAdd: function () {
        var div = el('div', 'lk-legend');
        div.appendChild(el('b', null, S.legend));
        (data.categories.present || data.categories.keys).forEach(function (key) {
          var row = el('div'), sw = el('i');
          sw.style.background = data.colors[key];
          row.appendChild(sw);
          row.appendChild(document.createTextNode(data.categories.labels[key]));
          div.appendChild(row);
        });
        var other = el('div'), swo = el('i');
        swo.style.background = data.colors.none;
        other.appendChild(swo); other.appendChild(document.createTextNode(S.no_category));
        div.appendChild(other);
        var fav = el('div'), swf = el('i');
        swf.style.border = '2px solid ' + data.colors.favourite;
        fav.appendChild(swf); fav.appendChild(document.createTextNode(S.favourite_tag));
        div.appendChild(fav);
        Object.keys(zoneGroups).forEach(function (kind) {
          var r = el('div'), sw = el('i');
          sw.style.border = '2px solid ' + (data.zoneColors[kind] || data.zoneColors.other);
          r.appendChild(sw); r.appendChild(document.createTextNode(S.zone + '：' + kind));
          div.appendChild(r);
        });
        L.DomEvent.disableClickPropagation(div);
        return div;
      }
    });
    new Legend({ position: 'bottomright' }).addTo(map);
    var Fullscreen = L.Control.extend({
      onAdd: function () {
        var div = el('div', 'leaflet-bar lk-fs'), a = el('a', null, '⛶');
        a.href = '#';
        a.title = S.fullscreen;
        a.setAttribute('role', 'button');
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
          var tipText = self.title(k) + (self.areaMu[k] === self.areaMu[k] ? ' · ' + fmt(self.areaMu[k], 1) + ' ' + S.mu : '');
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

  App.prototype.start = function () {
    var self = this, t0 = performance.now();
    this.buildSidebar();
    var sel = this.readHash();
    this.syncControls();
    this.map.invalidateSize();
    this.map.fitBounds(this.dataBounds(), { animate: false, padding: [10, 10] });
    this.result = []; this.visible = new Uint8Array(this.n); this.pos = new Int32Array(this.n).fill(-1);
    this.buildMap();
    this._restoring = true;
    this.apply();
    this._restoring = false;
    if (sel !== null && this.index[sel] !== undefined) this.select(this.index[sel], { fly: true, instant: true, popup: true, scroll: true });
    else this.writeHash();
    window.addEventListener('hashchange', function () {
      if (location.hash.replace(/^#/, '') === self._lastHash) return;
      var s2 = self.readHash();
      self.syncControls();
      self.apply();
      if (s2 !== null && self.index[s2] !== undefined) self.select(self.index[s2], { fly: true, instant: true, popup: true, scroll: true });
      else if (s2 === null && self.sel >= 0) self.select(-1);
    });
    this.readyMs = performance.now() - t0;
    document.body.setAttribute('data-landkit-ready', '1');
  };

  window.landkitBrowse = function (map, data) {
    document.body.classList.add('lk-page');
    var app = new App(map, data);
    window.landkitApp = app;
    app.start();
    return app;
  };
})();
