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

function decodeColumns(cols, n) {
  var out = {};
  Object.keys(cols).forEach(function (name) {
    var c = cols[name], vals;
    if (c.p !== undefined) {
      vals = unpackInts(c.p, n, c.s, c.d || null);  // geom.js
    } else if (c.d) {
      vals = new Array(n);
      for (var k = 0; k < n; k++) vals[k] = c.i[k] < 0 ? null : c.d[c.i[k]];
    } else {
      vals = c.v;
    }
    out[name] = { t: c.t, v: vals, x: c.x ? decodeColumns({ x: c.x }, n).x.v : null };
  });
  return out;
}
