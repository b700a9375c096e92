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

/* The page's columns by name; each one's values (.v, and .x for extra category tags) are decoded on
 * first use, so the page opens after decoding only what the list, filters and map need; the rest
 * follows in spare time (App.prototype.prepareIdle) or when a card asks for it. */
function decodeColumns(cols, n) {
  var out = {};
  Object.keys(cols).forEach(function (name) { out[name] = new Column(cols[name], n); });
  return out;
}

function Column(c, n) { this.t = c.t; this._c = c; this._n = n; this._v = null; this._x = undefined; }

function columnValues(c, n) {
  if (c.p !== undefined) return unpackInts(c.p, n, c.s, c.d || null);  // geom.js
  if (!c.d) return c.v;
  var vals = new Array(n);
  for (var k = 0; k < n; k++) vals[k] = c.i[k] < 0 ? null : c.d[c.i[k]];
  return vals;
}

Object.defineProperty(Column.prototype, 'v', {
  get: function () {
    if (this._v === null) this._v = columnValues(this._c, this._n);
    return this._v;
  }
});
Object.defineProperty(Column.prototype, 'x', {
  get: function () {
    if (this._x === undefined) this._x = this._c.x ? columnValues(this._c.x, this._n) : null;
    return this._x;
  }
});
Column.prototype.decoded = function () { return this._v !== null; };
