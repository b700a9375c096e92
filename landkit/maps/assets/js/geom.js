// ---- geometry decoding, packed numbers and the hit-test grid (pure: no DOM, no Leaflet) ----------
/* Unit-tested directly with node (tests/js/geom.test.mjs loads this file alone).
 * Parcels arrive as polyline strings (landkit/maps/_encode.py): per ring, zig-zag varints in the
 * alphabet ASCII 63–126, the first vertex relative to the page origin and the rest as deltas;
 * rings are separated by ',' and polygons by ';'. They are decoded once, in one pass over the
 * characters, straight into typed arrays of normalised Web Mercator coordinates (0–1). */

/* Web Mercator of a longitude / latitude, normalised to 0–1 (x east, y south). */
function mercX(lon) { return (lon + 180) / 360; }
function mercY(lat) {
  var max = 85.0511287798;
  lat = Math.max(Math.min(lat, max), -max);
  var s = Math.sin(lat * Math.PI / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}

/* mercY near a latitude, by its Taylor series to the third order: mercY is 0.5 − gd⁻¹(φ)/2π and
 * gd⁻¹' = sec φ, gd⁻¹'' = sec φ tan φ, gd⁻¹''' = sec φ (2 tan² φ + 1). Within MERC_SPAN degrees of
 * the anchor the error is below 1e-15 (a millionth of a pixel at zoom 22) up to 85° of latitude;
 * farther away the decoder takes a new anchor with the exact formula. */
var MERC_SPAN = 0.01;
function MercAnchor() { this.lat = NaN; this.y = 0; this.c1 = 0; this.c2 = 0; this.c3 = 0; }
MercAnchor.prototype.set = function (lat) {
  var phi = lat * Math.PI / 180, sec = 1 / Math.cos(phi), tan = Math.tan(phi), k = 1 / (2 * Math.PI);
  this.lat = lat;
  this.y = mercY(lat);
  this.c1 = sec * k;
  this.c2 = sec * tan / 2 * k;
  this.c3 = sec * (2 * tan * tan + 1) / 6 * k;
};
MercAnchor.prototype.y_of = function (lat) {
  var d = lat - this.lat;
  if (!(d < MERC_SPAN && d > -MERC_SPAN) || lat > 85 || lat < -85) { this.set(lat); return this.y; }
  var h = d * Math.PI / 180;
  return this.y - h * (this.c1 + h * (this.c2 + h * this.c3));
};

function growArray(a, need) {
  var b = new a.constructor(Math.max(need, Math.ceil(a.length * 1.5) + 16));
  b.set(a);
  return b;
}

/* The decoder's state: vertices X/Y (normalised Mercator), ring starts, the current position and
 * the current parcel's bbox. `size` is [vertices, rings] as written with the page (a hint: the
 * arrays grow when it is short). */
function GeomDecoder(size, chars, n, origin, prec) {
  var cap = size && size[0] >= 0 ? size[0] : Math.ceil(chars / 4);
  this.X = new Float64Array(cap + 1);
  this.Y = new Float64Array(cap + 1);
  this.nv = 0;
  this.ringStart = new Int32Array((size && size[1] >= 0 ? size[1] : 2 * n) + 2);
  this.nr = 0;
  this.ox = origin[0]; this.oy = origin[1]; this.prec = prec;
  this.anchor = new MercAnchor();
  this.box = [0, 0, 0, 0];
}

GeomDecoder.prototype.ring = function () {
  if (this.nr + 2 > this.ringStart.length) this.ringStart = growArray(this.ringStart, this.nr + 2);
  this.ringStart[this.nr++] = this.nv;
};

/* Decode one parcel's text: its rings are appended and its bbox left in this.box. */
GeomDecoder.prototype.parcel = function (text) {
  var len = text.length, value = 0, shift = 0, half = 0, qx = 0, qy = 0;
  var X = this.X, Y = this.Y, nv = this.nv, prec = this.prec, oy = this.oy, an = this.anchor;
  var ax = (this.ox + 180) / 360, sx = prec / 360, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  this.ring();
  for (var i = 0; i < len; i++) {
    var c = text.charCodeAt(i);
    if (c === 44 || c === 59) {  // ',' a ring ends, ';' a polygon ends: the next ring starts afresh
      this.nv = nv;
      this.ring();
      value = 0; shift = 0; half = 0; qx = 0; qy = 0;
      continue;
    }
    var b = c - 63;
    value |= (b & 31) << shift;
    shift += 5;
    if (b >= 32) continue;
    var v = value & 1 ? ~(value >> 1) : value >> 1;
    value = 0; shift = 0;
    if (!half) { qx += v; half = 1; continue; }
    qy += v; half = 0;
    if (nv === X.length) { X = this.X = growArray(X, nv + len); Y = this.Y = growArray(Y, nv + len); }
    var x = ax + qx * sx, y = an.y_of(oy + qy * prec);
    X[nv] = x; Y[nv] = y; nv++;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  this.nv = nv;
  var box = this.box;
  box[0] = x0; box[1] = y0; box[2] = x1; box[3] = y1;
};

/**
 * Decode every parcel's geometry text (null/'' = no geometry) into typed arrays:
 * X/Y (normalised Mercator per vertex), ringStart (first vertex of each ring, then the total),
 * parcelRing (first ring of each parcel, then the total), bbox (x0, y0, x1, y1 per parcel;
 * Infinity/-Infinity when it has none) and extent (the same over all parcels).
 * `size` ([vertices, rings], optional) sizes the arrays at once. In steps: step(count) decodes the
 * next `count` parcels and returns the result once all are done (null before), so the page can
 * decode in spare time without a long task; step(n) does it all at once.
 */
function RingDecoder(geom, n, origin, prec, size) {
  var chars = 0;
  if (!size) for (var k = 0; k < n; k++) if (geom[k]) chars += geom[k].length;
  this.geom = geom; this.n = n; this.k = 0; this.result = null;
  this.d = new GeomDecoder(size, chars, n, origin, prec);
  this.parcelRing = new Int32Array(n + 1);
  this.bbox = new Float64Array(4 * n);
  this.extent = [Infinity, Infinity, -Infinity, -Infinity];
}

RingDecoder.prototype.step = function (count) {
  var d = this.d, geom = this.geom, bbox = this.bbox, e = this.extent, box = d.box, k = this.k;
  var end = Math.min(this.n, k + count);
  for (; k < end; k++) {
    this.parcelRing[k] = d.nr;
    box[0] = box[1] = Infinity; box[2] = box[3] = -Infinity;
    if (geom[k]) d.parcel(geom[k]);
    bbox[4 * k] = box[0]; bbox[4 * k + 1] = box[1]; bbox[4 * k + 2] = box[2]; bbox[4 * k + 3] = box[3];
    if (box[0] <= box[2]) {
      if (box[0] < e[0]) e[0] = box[0];
      if (box[1] < e[1]) e[1] = box[1];
      if (box[2] > e[2]) e[2] = box[2];
      if (box[3] > e[3]) e[3] = box[3];
    }
  }
  this.k = k;
  if (k === this.n && !this.result) {
    this.parcelRing[this.n] = d.nr;
    d.ring();  // the closing entry: ringStart[nr] = number of vertices
    this.result = {
      X: d.X.subarray(0, d.nv), Y: d.Y.subarray(0, d.nv), ringStart: d.ringStart.subarray(0, d.nr),
      parcelRing: this.parcelRing, bbox: bbox, extent: e
    };
  }
  return this.result;
};

/* The quantised extent [qx0, qy0, qx1, qy1] of one parcel's text (Infinity/-Infinity when empty). */
function quantisedBox(text, out) {
  var value = 0, shift = 0, half = 0, qx = 0, qy = 0, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c === 44 || c === 59) { value = 0; shift = 0; half = 0; qx = 0; qy = 0; continue; }
    var b = c - 63;
    value |= (b & 31) << shift;
    shift += 5;
    if (b >= 32) continue;
    var v = value & 1 ? ~(value >> 1) : value >> 1;
    value = 0; shift = 0;
    if (!half) { qx += v; half = 1; continue; }
    qy += v; half = 0;
    if (qx < x0) x0 = qx;
    if (qx > x1) x1 = qx;
    if (qy < y0) y0 = qy;
    if (qy > y1) y1 = qy;
  }
  out[0] = x0; out[1] = y0; out[2] = x1; out[3] = y1;
}

/**
 * Only the bounding boxes (and extent) of RingDecoder, from one pass over the text that stores no
 * vertex: enough to draw parcels of a few pixels and to cull, so the page opens before the rings are
 * decoded. Mercator y falls as latitude rises, so a box's y0 comes from its largest latitude.
 */
function scanBoxes(geom, n, origin, prec) {
  var bbox = new Float64Array(4 * n), e = [Infinity, Infinity, -Infinity, -Infinity], q = [0, 0, 0, 0];
  var ax = (origin[0] + 180) / 360, sx = prec / 360, oy = origin[1];
  for (var k = 0; k < n; k++) {
    q[0] = Infinity; q[2] = -Infinity;
    if (geom[k]) quantisedBox(geom[k], q);
    if (!(q[0] <= q[2])) {
      bbox[4 * k] = bbox[4 * k + 1] = Infinity; bbox[4 * k + 2] = bbox[4 * k + 3] = -Infinity;
      continue;
    }
    var x0 = ax + q[0] * sx, x1 = ax + q[2] * sx, y0 = mercY(oy + q[3] * prec), y1 = mercY(oy + q[1] * prec);
    bbox[4 * k] = x0; bbox[4 * k + 1] = y0; bbox[4 * k + 2] = x1; bbox[4 * k + 3] = y1;
    if (x0 < e[0]) e[0] = x0;
    if (y0 < e[1]) e[1] = y0;
    if (x1 > e[2]) e[2] = x1;
    if (y1 > e[3]) e[3] = y1;
  }
  return { bbox: bbox, extent: e };
}

/**
 * A uniform grid over the parcels' extent for hit-testing, in compressed rows: the parcels whose
 * bbox touches cell c are items[start[c] .. start[c + 1]). G × G cells, G = √n within 8–512.
 */
function GridIndex(bbox, n, extent) {
  var G = Math.max(8, Math.min(512, Math.ceil(Math.sqrt(n)))), k, r, c;
  this.G = G; this.x0 = extent[0]; this.y0 = extent[1];
  this.w = (extent[2] - extent[0]) / G || 1e-9; this.h = (extent[3] - extent[1]) / G || 1e-9;
  var start = new Int32Array(G * G + 1), span = new Int32Array(4 * n);
  for (k = 0; k < n; k++) {
    if (!(bbox[4 * k] <= bbox[4 * k + 2])) { span[4 * k] = 1; span[4 * k + 1] = 0; continue; }  // an empty range
    span[4 * k] = this.col(bbox[4 * k]); span[4 * k + 1] = this.col(bbox[4 * k + 2]);
    span[4 * k + 2] = this.row(bbox[4 * k + 1]); span[4 * k + 3] = this.row(bbox[4 * k + 3]);
    for (r = span[4 * k + 2]; r <= span[4 * k + 3]; r++) for (c = span[4 * k]; c <= span[4 * k + 1]; c++) start[r * G + c + 1]++;
  }
  for (c = 0; c < G * G; c++) start[c + 1] += start[c];
  var fill = start.slice(0, G * G), items = new Int32Array(start[G * G]);
  for (k = 0; k < n; k++) {
    for (r = span[4 * k + 2]; r <= span[4 * k + 3]; r++) {
      for (c = span[4 * k]; c <= span[4 * k + 1]; c++) items[fill[r * G + c]++] = k;
    }
  }
  this.start = start;
  this.items = items;
}
GridIndex.prototype.col = function (x) { return Math.max(0, Math.min(this.G - 1, Math.floor((x - this.x0) / this.w))); };
GridIndex.prototype.row = function (y) { return Math.max(0, Math.min(this.G - 1, Math.floor((y - this.y0) / this.h))); };
/* The cell holding point (x, y), or -1 outside the extent. */
GridIndex.prototype.cell = function (x, y) {
  if (!(x >= this.x0 && y >= this.y0 && x <= this.x0 + this.w * this.G && y <= this.y0 + this.h * this.G)) return -1;
  return this.row(y) * this.G + this.col(x);
};

/**
 * The n values of a packed column (landkit/maps/_encode.py pack_ints): zig-zag varints in the
 * polyline alphabet, '!' for a missing value (null). Each integer is divided by 10^scale, or, with
 * `dict`, looked up in it (a negative code is null). Float arithmetic: exact below 2^53.
 */
function unpackInts(text, n, scale, dict) {
  var out = new Array(n), k = 0, value = 0, mult = 1, div = Math.pow(10, scale || 0);
  for (var i = 0; i < text.length && k < n; i++) {
    var c = text.charCodeAt(i);
    if (c === 33) { out[k++] = null; continue; }
    var b = c - 63;
    value += (b & 31) * mult;
    if (b >= 32) { mult *= 32; continue; }
    var v = value % 2 ? -(value + 1) / 2 : value / 2;
    if (dict) out[k++] = v < 0 ? null : dict[v];
    else out[k++] = div === 1 ? v : v / div;
    value = 0; mult = 1;
  }
  while (k < n) out[k++] = null;
  return out;
}
