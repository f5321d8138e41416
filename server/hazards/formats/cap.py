"""CAP 1.2 alerts, alone or in a CAP-over-Atom/RSS index with the alert inline in each entry
(the index's links are never followed: only configured URLs are fetched)."""
from __future__ import annotations

from server.hazards.formats import FeedError, parse_xml
from server.hazards.formats.common import SEVERITY_LEVELS, iso_time, number, position
from server.places import services as places

CAP = "urn:oasis:names:tc:emergency:cap:1.2"
NS = {"cap": CAP}
# A CAP category is too broad to name the hazard ("Met": storm, flood, heat...).
KINDS = {"Fire": "wildfire"}
COUNTRY_CODES = ("ISO3166-1", "ISO 3166-1", "ISO3166-1-ALPHA-2")
SUBDIVISION_CODES = ("ISO3166-2", "ISO 3166-2")


def items(body: bytes) -> list:
    root = parse_xml(body)
    if root.tag == f"{{{CAP}}}alert":
        return [root]
    found = root.findall(f".//{{{CAP}}}alert")
    if not found:
        raise FeedError("no CAP 1.2 alert in the document")
    return found


def _text(element, path: str) -> str | None:
    found = element.findtext(path, namespaces=NS)
    return found.strip() if found and found.strip() else None


def _point(pair: str) -> list[float]:
    lat, lon = pair.split(",")
    return list(position(lat, lon))


def _areas(info) -> list[dict]:
    areas = []
    for area in info.findall("cap:area", NS):
        for polygon in area.findall("cap:polygon", NS):
            areas.append({"kind": "polygon",
                          "ring": [_point(p) for p in (polygon.text or "").split()]})
        for circle in area.findall("cap:circle", NS):
            centre, radius = (circle.text or "").split()
            lat, lon = _point(centre)
            areas.append({"kind": "circle", "lat": lat, "lon": lon,
                          "radius_km": number(radius, 0, 2000, "radius")})
        for geocode in area.findall("cap:geocode", NS):
            name = (_text(geocode, "cap:valueName") or "").upper()
            code = (_text(geocode, "cap:value") or "").upper()
            if name in COUNTRY_CODES and places.is_country(code):
                areas.append({"kind": "country", "code": code})
            elif name in SUBDIVISION_CODES and places.is_subdivision(code):
                areas.append({"kind": "subdivision", "code": code})
    return areas


def _thread(alert) -> str:
    """An Update or Cancel replaces the alert it references (its first reference)."""
    references = _text(alert, "cap:references")
    if references and _text(alert, "cap:msgType") in ("Update", "Cancel"):
        return references.split()[0].split(",")[1]
    return _text(alert, "cap:identifier")


def event(alert) -> dict:
    info = alert.find("cap:info", NS)
    if info is None:
        raise ValueError("no info block")
    sent = iso_time(_text(alert, "cap:sent"))
    category = _text(info, "cap:category") or "Other"
    severity = _text(info, "cap:severity") or "Unknown"
    expires = _text(info, "cap:expires")
    centre = _centre(_areas(info))
    return {
        "source_id": _thread(alert)[:200], "version": _text(alert, "cap:sent")[:64],
        "kind": KINDS.get(category, "other"),
        "title": (_text(info, "cap:headline") or _text(info, "cap:event") or "")[:300],
        "level": SEVERITY_LEVELS.get(severity, "green"), "magnitude": None, "depth_km": None,
        "lat": centre[0], "lon": centre[1],
        "effective": iso_time(_text(info, "cap:effective") or _text(alert, "cap:sent")),
        "expires": iso_time(expires) if expires else None, "ends": None, "sent": sent,
        "areas": _areas(info), "cancelled": _text(alert, "cap:msgType") == "Cancel",
        "cap": {"category": category, "urgency": _text(info, "cap:urgency"),
                "severity": severity, "certainty": _text(info, "cap:certainty"),
                "event": _text(info, "cap:event")},
    }


def _centre(areas: list[dict]) -> tuple:
    for area in areas:
        if area["kind"] == "circle":
            return area["lat"], area["lon"]
        if area["kind"] == "polygon" and area["ring"]:
            points = area["ring"][:-1] or area["ring"]
            return (sum(p[0] for p in points) / len(points),
                    sum(p[1] for p in points) / len(points))
    return None, None
