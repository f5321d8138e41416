// Country outlines for a flat map. world-atlas's TopoJSON is made for spherical projections
// (geostitch): rings cross the 180th meridian (Russia, Fiji) and Antarctica's ring goes
// round the South Pole without closing through it. Drawn on a flat map as given, a jump from
// 179.9 to -179.9 is an edge across the whole world and Antarctica fills a band across the
// map. This splits each ring at the antimeridian and closes a ring round a pole through it.
// Pure functions over GeoJSON coordinates ([lon, lat]): no Leaflet, no DOM.

const POLE_LAT = 90;

/** The ring with each longitude moved by a multiple of 360 so no step exceeds 180 degrees. */
export function unwrapRing(ring) {
  const out = [];
  let shift = 0;
  for (let i = 0; i < ring.length; i += 1) {
    const [lon, lat] = ring[i];
    if (i > 0) {
      const step = lon + shift - out[i - 1][0];
      if (step > 180) shift -= 360;
      else if (step < -180) shift += 360;
    }
    out.push([lon + shift, lat]);
  }
  return out;
}

/**
 * An unwrapped closed ring that ends 360 degrees from where it started goes round a pole:
 * close it through that pole (the one on the side of the ring's mean latitude).
 */
export function closeRoundPole(ring) {
  const first = ring[0];
  const last = ring[ring.length - 1];
  const turn = last[0] - first[0];
  if (Math.abs(turn) < 180) return ring;
  const mean = ring.reduce((sum, point) => sum + point[1], 0) / ring.length;
  const pole = mean < 0 ? -POLE_LAT : POLE_LAT;
  return [...ring, [last[0], pole], [first[0], pole], [first[0], first[1]]];
}

/** Sutherland-Hodgman against one vertical line: the part of the ring on `keep`'s side. */
function clipAt(ring, x, keep) {
  const inside = (p) => (keep < 0 ? p[0] <= x : p[0] >= x);
  const out = [];
  for (let i = 0; i < ring.length; i += 1) {
    const current = ring[i];
    const previous = ring[(i + ring.length - 1) % ring.length];
    if (inside(current)) {
      if (!inside(previous)) out.push(crossing(previous, current, x));
      out.push(current);
    } else if (inside(previous)) {
      out.push(crossing(previous, current, x));
    }
  }
  return out;
}

function crossing(a, b, x) {
  const t = (x - a[0]) / (b[0] - a[0]);
  return [x, a[1] + t * (b[1] - a[1])];
}

function closed(ring) {
  if (ring.length < 3) return null;
  const [a, z] = [ring[0], ring[ring.length - 1]];
  return a[0] === z[0] && a[1] === z[1] ? ring : [...ring, a];
}

/** The pieces of an unwrapped ring inside each 360-degree window, moved into -180..180. */
function windows(ring) {
  const lons = ring.map((p) => p[0]);
  const low = Math.floor((Math.min(...lons) + 180) / 360);
  const high = Math.floor((Math.max(...lons) + 180) / 360 - 1e-12);
  const pieces = new Map();
  for (let k = low; k <= high; k += 1) {
    const west = -180 + 360 * k;
    const part = clipAt(clipAt(ring, west, 1), west + 360, -1);
    const shifted = closed(part.map(([lon, lat]) => [lon - 360 * k, lat]));
    if (shifted) pieces.set(k, shifted);
  }
  return pieces;
}

/** A polygon's rings (outer first, then holes) as polygons that each stay within -180..180. */
export function splitPolygon(rings) {
  const outer = windows(closeRoundPole(unwrapRing(rings[0])));
  const holes = rings.slice(1).map((ring) => windows(unwrapRing(ring)));
  return [...outer.entries()].map(([k, ring]) => [ring,
    ...holes.map((pieces) => pieces.get(k)).filter(Boolean)]);
}

/** A Polygon or MultiPolygon geometry drawn correctly on a flat map; other types unchanged. */
export function splitGeometry(geometry) {
  if (!geometry || !["Polygon", "MultiPolygon"].includes(geometry.type)) return geometry;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const split = polygons.flatMap(splitPolygon);
  return split.length === 1 ? { type: "Polygon", coordinates: split[0] }
    : { type: "MultiPolygon", coordinates: split };
}
