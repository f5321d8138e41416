"""GDACS RSS (gdacs.org/xml/rss.xml): gdacs: and geo: elements on RSS 2.0 items."""
from __future__ import annotations

from server.hazards import impact
from server.hazards.formats import FeedError, parse_xml
from server.hazards.formats.common import level, number, position, rfc822_time

NS = {"gdacs": "http://www.gdacs.org", "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#"}
KINDS = {"EQ": "earthquake", "TC": "cyclone", "FL": "flood", "VO": "volcano",
         "DR": "drought", "WF": "wildfire"}
CATEGORIES = {"earthquake": "Geo", "volcano": "Geo", "cyclone": "Met", "flood": "Met",
              "drought": "Env", "wildfire": "Fire"}


def items(body: bytes) -> list:
    root = parse_xml(body)
    if root.tag != "rss":
        raise FeedError("not an RSS document")
    return root.findall("./channel/item")


def _text(item, path: str) -> str | None:
    found = item.findtext(path, namespaces=NS)
    return found.strip() if found and found.strip() else None


def _bbox_ring(item) -> list | None:
    """gdacs:bbox "lon_min lon_max lat_min lat_max" as a closed ring, when given."""
    box = _text(item, "gdacs:bbox")
    if not box:
        return None
    west, east, south, north = (float(v) for v in box.split())
    position(south, west), position(north, east)
    return [[south, west], [south, east], [north, east], [north, west], [south, west]]


def event(item) -> dict:
    kind = KINDS.get(_text(item, "gdacs:eventtype") or "", "other")
    lat, lon = position(_text(item, "geo:Point/geo:lat"), _text(item, "geo:Point/geo:long"))
    severity = item.find("gdacs:severity", NS)
    magnitude = None
    if kind == "earthquake" and severity is not None and severity.get("value"):
        magnitude = number(severity.get("value"), -2, 10, "magnitude")
    ring = _bbox_ring(item) if kind in ("flood", "drought", "wildfire") else None
    area = {"kind": "polygon", "ring": ring} if ring else impact.point_area(
        kind, lat, lon, magnitude)
    start = rfc822_time(_text(item, "gdacs:fromdate") or _text(item, "pubDate"))
    end = _text(item, "gdacs:todate")
    return {
        "source_id": f"{_text(item, 'gdacs:eventtype')}{_text(item, 'gdacs:eventid')}"[:200],
        "version": (_text(item, "gdacs:episodeid") or "") + "/" + (
            _text(item, "gdacs:version") or ""),
        "kind": kind, "title": (_text(item, "title") or "")[:300],
        "level": level(_text(item, "gdacs:alertlevel")), "magnitude": magnitude,
        "depth_km": None, "lat": lat, "lon": lon, "effective": start,
        "expires": None, "ends": rfc822_time(end) if end else None,
        "areas": [area], "cap": {"category": CATEGORIES.get(kind, "Other"),
                                 "certainty": "Observed"},
        "cancelled": (_text(item, "gdacs:iscurrent") or "true").lower() == "false",
    }
