// Unit tests of the browse page's geometry decoder and hit-test grid (landkit/maps/assets/js/geom.js),
// loaded alone: no DOM, no Leaflet. The answers come from an independent encoder written here (the
// polyline alphabet of landkit/maps/_encode.py) and the textbook Mercator formula ln tan(π/4 + φ/2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const SRC = readFileSync(new URL('../../landkit/maps/assets/js/geom.js', import.meta.url), 'utf8');
// Indirect eval in this realm: typed arrays made by the module compare as plain ones here.
const G = (0, eval)(SRC + '\n;({ RingDecoder, scanBoxes, GridIndex, mercX, mercY, unpackInts });');
const decodeParcels = (geom, n, origin, prec, size) => new G.RingDecoder(geom, n, origin, prec, size).step(n);

function encodeInt(v) {
  let z = v < 0 ? ~(v << 1) : v << 1, out = '';
  do {
    let chunk = z & 31;
    z >>>= 5;
    if (z > 0) chunk |= 32;
    out += String.fromCharCode(chunk + 63);
  } while (z > 0);
  return out;
}

/** Polygons → rings → [qx, qy] integer vertices (relative to the origin) as the page's text. */
function encodeParcel(polys) {
  return polys.map((rings) => rings.map((ring) => {
    let px = 0, py = 0, s = '';
    for (const [x, y] of ring) { s += encodeInt(x - px) + encodeInt(y - py); px = x; py = y; }
    return s;
  }).join(',')).join(';');
}

const mercYRef = (lat) => 0.5 - Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) / (2 * Math.PI);

function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
}

/** Random parcels: polygons with holes, multi-polygons, parcels without geometry, one huge ring. */
function parcels(n, seed, origin, prec) {
  const r = rng(seed), out = [];
  for (let k = 0; k < n; k++) {
    if (r() < 0.1) { out.push(null); continue; }
    const polys = [], np = r() < 0.2 ? 2 : 1;
    for (let p = 0; p < np; p++) {
      const cx = Math.round(r() * 1e5), cy = Math.round(r() * 1e5), rings = [];
      const nr = r() < 0.3 ? 2 : 1;
      for (let i = 0; i < nr; i++) {
        const rad = (i ? 20 : 80) + r() * 100, m = 4 + Math.floor(r() * 20), ring = [];
        for (let j = 0; j < m; j++) {
          const a = 2 * Math.PI * j / m;
          ring.push([cx + Math.round(rad * Math.cos(a)), cy + Math.round(rad * Math.sin(a))]);
        }
        rings.push(ring);
      }
      polys.push(rings);
    }
    out.push(polys);
  }
  // A ring 0.3° tall: the decoder must leave its first Mercator anchor on the way.
  out.push([[[[0, 0], [500, 0], [500, Math.round(0.3 / prec)], [0, Math.round(0.3 / prec)]]]]);
  return out;
}

function check(origin, prec, size, seed) {
  const polys = parcels(300, seed, origin, prec), n = polys.length;
  const text = polys.map((p) => (p ? encodeParcel(p) : ''));
  const g = decodeParcels(text, n, origin, prec, size);
  let v = 0, r = 0, worst = 0;
  const ext = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k < n; k++) {
    assert.equal(g.parcelRing[k], r, `first ring of parcel ${k}`);
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    for (const rings of polys[k] || []) {
      for (const ring of rings) {
        assert.equal(g.ringStart[r], v, `first vertex of ring ${r}`);
        for (const [qx, qy] of ring) {
          const x = (origin[0] + qx * prec + 180) / 360, y = mercYRef(origin[1] + qy * prec);
          worst = Math.max(worst, Math.abs(g.X[v] - x), Math.abs(g.Y[v] - y));
          box[0] = Math.min(box[0], x); box[1] = Math.min(box[1], y);
          box[2] = Math.max(box[2], x); box[3] = Math.max(box[3], y);
          v++;
        }
        r++;
      }
    }
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(g.bbox[4 * k + i] - box[i]) < 1e-12 || g.bbox[4 * k + i] === box[i]);
    if (box[0] <= box[2]) for (let i = 0; i < 4; i++) ext[i] = (i < 2 ? Math.min : Math.max)(ext[i], box[i]);
  }
  assert.equal(g.parcelRing[n], r);
  assert.equal(g.ringStart.length, r + 1);
  assert.equal(g.ringStart[r], v);
  assert.equal(g.X.length, v);
  // A millionth of a pixel at zoom 22 (2^30 px across the world) is 1e-15; allow rounding on top.
  assert.ok(worst < 1e-14, `largest coordinate error ${worst}`);
  ext.forEach((e, i) => assert.ok(Math.abs(g.extent[i] - e) < 1e-12));
  // The boxes alone (no vertex stored) are the same boxes.
  const boxes = G.scanBoxes(text, n, origin, prec);
  for (let i = 0; i < 4 * n; i++) assert.ok(boxes.bbox[i] === g.bbox[i] || Math.abs(boxes.bbox[i] - g.bbox[i]) < 1e-14, `box ${i}`);
  boxes.extent.forEach((e, i) => assert.ok(Math.abs(g.extent[i] - e) < 1e-14));
  return { g, n };
}

test('geom: every vertex, ring and bbox matches the textbook Mercator of the encoded parcels', () => {
  check([109, 26], 1e-5, null, 1);  // 洪江市: no size hint, the arrays are sized from the text
  check([120, 52], 1e-5, null, 2);  // 漠河: far north
  check([108, 18], 1e-6, null, 3);  // 三亚, a finer grid
});

test('geom: a wrong size hint only costs a copy (the arrays grow), never a vertex', () => {
  check([109, 26], 1e-5, [1, 1], 4);
  check([109, 26], 1e-5, [10, 0], 5);
});

test('geom: decoding in steps (idle periods) gives what decoding at once gives', () => {
  const origin = [109, 26], prec = 1e-5, polys = parcels(200, 8, origin, prec), n = polys.length;
  const text = polys.map((p) => (p ? encodeParcel(p) : ''));
  const once = decodeParcels(text, n, origin, prec, null), dec = new G.RingDecoder(text, n, origin, prec, [5, 2]);
  let steps = 0, got = null;
  while (!(got = dec.step(7))) steps++;
  assert.equal(steps, Math.ceil(n / 7) - 1);
  for (const key of ['X', 'Y', 'ringStart', 'parcelRing', 'bbox']) assert.deepEqual(Array.from(got[key]), Array.from(once[key]), key);
  assert.equal(dec.step(7), got);  // done stays done
});

test('geom: mercY is the textbook formula, clamped at the Web Mercator limit', () => {
  for (const lat of [-60, 0, 18.25, 27.2, 53.5, 85]) assert.ok(Math.abs(G.mercY(lat) - mercYRef(lat)) < 1e-15);
  assert.equal(G.mercY(89), G.mercY(85.0511287798));
  assert.equal(G.mercX(-180), 0);
  assert.equal(G.mercX(180), 1);
});

test('grid: a point\'s cell lists every parcel whose bbox holds it, and no point outside gets a cell', () => {
  const { g, n } = check([109, 26], 1e-5, null, 6);
  const grid = new G.GridIndex(g.bbox, n, g.extent), r = rng(7);
  for (let t = 0; t < 2000; t++) {
    const x = g.extent[0] + r() * (g.extent[2] - g.extent[0]), y = g.extent[1] + r() * (g.extent[3] - g.extent[1]);
    const c = grid.cell(x, y), listed = new Set(grid.items.subarray(grid.start[c], grid.start[c + 1]));
    for (let k = 0; k < n; k++) {
      const b = g.bbox.subarray(4 * k, 4 * k + 4);
      if (b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3]) assert.ok(listed.has(k), `parcel ${k} missing at ${x},${y}`);
    }
  }
  assert.equal(grid.cell(g.extent[0] - 1e-6, g.extent[1]), -1);
  assert.equal(grid.cell(g.extent[2], g.extent[3] + 1e-6), -1);
  assert.equal(grid.cell(NaN, 0.4), -1);
});

/** pack_ints (landkit/maps/_encode.py) by arithmetic, so integers up to 2^52 are written too. */
function packInts(values) {
  return values.map((v) => {
    if (v === null) return '!';
    let z = v < 0 ? -2 * v - 1 : 2 * v, out = '';
    do {
      const chunk = z % 32;
      z = Math.floor(z / 32);
      out += String.fromCharCode(chunk + (z > 0 ? 32 : 0) + 63);
    } while (z > 0);
    return out;
  }).join('');
}

test('packed columns: what Python writes reads back, up to 2^52, with nulls, scales and dictionaries', () => {
  // Written by landkit.maps._encode.pack_ints for these values:
  const vals = [0, -1, 1, 15, 16, -16, -17, 31, 32, 1023, -1024, 123456, -123456, 1099511627783, -2251799813685245, null,
    4503599627370495];
  const text = '?@A]_@^`@}@_A}~@~~@_cpF~bpFm_______Ax~~~~~~~~~B!}~~~~~~~~~F';
  assert.deepEqual(G.unpackInts(text, vals.length, 0), vals);
  assert.equal(packInts(vals), text);
  const r = rng(9), many = Array.from({ length: 5000 }, () => (r() < 0.1 ? null : Math.round((r() - 0.5) * 2 ** (1 + r() * 50)) + 0));  // + 0: no -0
  assert.deepEqual(G.unpackInts(packInts(many), many.length, 0), many);
  // Prices to 2 decimals: the division gives the very double the decimal text would parse to.
  const cents = [123456, 5, -250, 100, null, 99999999];
  assert.deepEqual(G.unpackInts(packInts(cents), cents.length, 2), [1234.56, 0.05, -2.5, 1, null, 999999.99]);
  assert.deepEqual(G.unpackInts(packInts([0, 2, -1, 1]), 4, 0, ['a', 'b', 'c']), ['a', 'c', null, 'b']);
  assert.deepEqual(G.unpackInts(packInts([7]), 3, 0), [7, null, null]);  // a short text never leaves holes
});
