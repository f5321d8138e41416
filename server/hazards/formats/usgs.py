"""USGS earthquake GeoJSON summary feeds (earthquake.usgs.gov/earthquakes/feed/v1.0/)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from server.hazards import impact
from server.hazards.formats import FeedError
from server.hazards.formats.common import level, number, position


def items(body: bytes) -> list:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"not JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise FeedError("not a GeoJSON FeatureCollection")
    return document["features"]


def event(feature) -> dict:
    properties, geometry = feature["properties"], feature["geometry"]
    if geometry.get("type") != "Point":
        raise ValueError("not a point")
    lon, lat, depth = (list(geometry["coordinates"]) + [None])[:3]
    lat, lon = position(lat, lon)
    magnitude = number(properties["mag"], -2, 10, "magnitude")
    at = datetime.fromtimestamp(number(properties["time"], 0, 1e14, "time") / 1000, UTC)
    return {
        "source_id": str(feature["id"])[:200],
        "version": str(properties.get("updated") or "")[:64],
        "kind": "earthquake", "title": str(properties.get("title") or "")[:300],
        "level": level(properties.get("alert")), "magnitude": magnitude,
        "depth_km": None if depth is None else number(depth, -10, 1000, "depth"),
        "lat": lat, "lon": lon, "effective": at, "expires": None,
        "areas": [impact.point_area("earthquake", lat, lon, magnitude)],
        "cap": {"category": "Geo", "certainty": "Observed"}, "cancelled": False,
    }
