// ---- the geometry store -----------------------------------------------------------------
/* Every parcel's bbox at once (geom.js scanBoxes); its rings (X, Y, ringStart, parcelRing: RingDecoder)
 * on first use — a parcel drawn larger than a dot, a hit-test, a print outline — or in spare time; the
 * hit-test grid likewise. At the opening view a county's parcels are dots, which need only the boxes. */
function Store(data) {
  var b = scanBoxes(data.geom, data.n, data.origin, data.prec);
  this.n = data.n;
  this.bbox = b.bbox;
  this.extent = b.extent;
  this.grid = null;
  this._data = data;
  this._rings = null;
  this._dec = null;
}

/* The rings, decoded now if the spare-time steps have not finished them. */
Store.prototype.rings = function () {
  return this._rings || (this._rings = this._decoder().step(this.n));
};

/* Decode the next `count` parcels' rings (a spare-time step); true when all are done. */
Store.prototype.ringsStep = function (count) {
  if (!this._rings) this._rings = this._decoder().step(count);
  return this._rings !== null;
};

Store.prototype._decoder = function () {
  var d = this._data;
  return this._dec || (this._dec = new RingDecoder(d.geom, d.n, d.origin, d.prec, d.geomSize));
};
['X', 'Y', 'ringStart', 'parcelRing'].forEach(function (name) {
  Object.defineProperty(Store.prototype, name, { get: function () { return this.rings()[name]; } });
});

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

Store.prototype.prepareGrid = function () {
  return this.grid || (this.grid = new GridIndex(this.bbox, this.n, this.extent));
};

Store.prototype.hit = function (x, y, visible) {
  var grid = this.prepareGrid(), c = grid.cell(x, y);
  if (c < 0) return -1;
  var best = -1, bestArea = Infinity, b = this.bbox;
  for (var i = grid.start[c]; i < grid.start[c + 1]; i++) {
    var k = grid.items[i];
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
