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
