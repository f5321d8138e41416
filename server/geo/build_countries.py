"""Build ``server/geo/data/countries.json.gz`` from world-atlas's Natural Earth TopoJSON.

The data file is committed; run this only to regenerate it (for example after a version bump)::

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    cd /path/to/repo && python -m server.geo.build_countries "$OLDPWD/package/countries-50m.json"

Source: world-atlas 2.0.2 (ISC), which packages Natural Earth 1:50m admin-0 countries (public
domain) as TopoJSON whose feature ids are ISO 3166-1 numeric codes. The ids are mapped to
alpha-2 with pycountry; features sharing a code (Australia and the Ashmore and Cartier Islands)
are merged. Features that have no numeric id are skipped, so positions on them resolve to
None: in 2.0.2 these are Kosovo, N. Cyprus, Somaliland, Indian Ocean Ter. (Christmas and
Cocos Islands) and Siachen Glacier.

Output: ``{"source", "skipped", "countries": [{"a2", "bbox": [min_lon, min_lat, max_lon,
max_lat], "polygons": [[ring, ...], ...]}]}`` where each ring is ``[[lon, lat], ...]``
rounded to 4 decimals and, within a polygon, rings after the first are holes.

world-atlas keeps spherical topology: some rings cross the antimeridian (Russia, Fiji) and
Antarctica's encircles the South Pole. The rings are stored planar instead, so a lookup is a
plain ray cast: longitudes are made continuous (they may run past +-180, e.g. Chukotka at
190), a ring around a pole is closed along the pole (the 0.001-degree polar cap ring
that stitching leaves in Antarctica is dropped), and holes are moved by a whole turn to
sit with their outer ring. A lookup tries the point's longitude and the same plus/minus 360.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pycountry

from server.geo.geometry import unwrap_lons

SOURCE = "world-atlas@2.0.2 countries-50m.json (Natural Earth 1:50m admin-0, public domain)"
POLE_SLIVER = 89.99  # a ring with every point beyond this latitude is a polar cap artefact
OUTPUT = Path(__file__).parent / "data" / "countries.json.gz"

Ring = list[list[float]]


def decode_arcs(topology: dict) -> list[Ring]:
    """Absolute [lon, lat] positions of every arc (undo the delta encoding and quantization)."""
    (scale_x, scale_y), (shift_x, shift_y) = (topology["transform"]["scale"],
                                              topology["transform"]["translate"])
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(x * scale_x + shift_x, 4), round(y * scale_y + shift_y, 4)])
        arcs.append(points)
    return arcs


def stitch_ring(arc_ids: list[int], arcs: list[Ring]) -> Ring:
    """One closed ring from its arcs; a negative id (``~i``) is arc ``i`` reversed."""
    ring: Ring = []
    for arc_id in arc_ids:
        points = arcs[arc_id] if arc_id >= 0 else arcs[~arc_id][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def geometry_polygons(geometry: dict, arcs: list[Ring]) -> list[list[Ring]]:
    """The polygons (each a list of rings) of a TopoJSON Polygon or MultiPolygon."""
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    return [planar_polygon([stitch_ring(ring, arcs) for ring in polygon])
            for polygon in polygons]


def planar_ring(ring: Ring) -> Ring:
    """The ring with continuous longitudes, closed along the pole if it encircles one."""
    lons = unwrap_lons([p[0] for p in ring])
    planar = [[round(lon, 4), p[1]] for lon, p in zip(lons, ring, strict=True)]
    if planar[-1][0] != planar[0][0]:
        pole = -90.0 if sum(p[1] for p in ring) < 0 else 90.0
        planar += [[planar[-1][0], pole], [planar[0][0], pole], list(planar[0])]
    return planar


def planar_polygon(polygon: list[Ring]) -> list[Ring]:
    """Planar rings, holes shifted by whole turns to lie over their outer ring."""
    # Drop the stitching artefact around the South Pole (a ring at -89.999 that makes the
    # coast a "hole" of it), so the polygon is just Antarctica up to the pole.
    rings = [ring for ring in polygon if any(abs(p[1]) < POLE_SLIVER for p in ring)]
    outer, *holes = (planar_ring(ring) for ring in rings)
    middle = (min(p[0] for p in outer) + max(p[0] for p in outer)) / 2
    aligned = [outer]
    for hole in holes:
        offset = middle - (min(p[0] for p in hole) + max(p[0] for p in hole)) / 2
        turns = round(offset / 360.0)
        aligned.append([[round(p[0] + 360.0 * turns, 4), p[1]] for p in hole])
    return aligned


def bbox(polygons: list[list[Ring]]) -> list[float]:
    """[min_lon, min_lat, max_lon, max_lat] of the outer rings."""
    lons = [p[0] for polygon in polygons for p in polygon[0]]
    lats = [p[1] for polygon in polygons for p in polygon[0]]
    return [min(lons), min(lats), max(lons), max(lats)]


def build(topology: dict) -> dict:
    """The data file's content: countries keyed by alpha-2, in a stable order."""
    arcs = decode_arcs(topology)
    merged: dict[str, list[list[Ring]]] = {}
    skipped = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=geometry.get("id") or "")
        if country is None:
            skipped.append(geometry.get("properties", {}).get("name", "?"))
            continue
        merged.setdefault(country.alpha_2, []).extend(geometry_polygons(geometry, arcs))
    countries = [{"a2": a2, "bbox": bbox(polys), "polygons": polys}
                 for a2, polys in sorted(merged.items())]
    return {"source": SOURCE, "skipped": sorted(skipped), "countries": countries}


def main(argv: list[str] | None = None) -> None:
    """Read the TopoJSON, write the gzipped data file, print what was written and skipped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="path to world-atlas countries-50m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = build(json.loads(args.topojson.read_text(encoding="utf-8")))
    text = json.dumps(data, separators=(",", ":"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical between runs on the same input.
    with gzip.GzipFile(args.output, "wb", compresslevel=9, mtime=0) as out:
        out.write(text.encode("utf-8"))
    print(f"wrote {len(data['countries'])} countries to {args.output} "
          f"({args.output.stat().st_size} bytes); skipped: {', '.join(data['skipped'])}")


if __name__ == "__main__":
    main()
