"""CAP 1.2 XML of one alert, and an Atom feed of recent public alerts linking to them."""
from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import current_app

from server.alerts.models import Alert
from server.broadcast.models import MessageArea
from server.places import services as places
from server.validation import strip_xml_invalid
from server.web.urls import public_url_for

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"


def cap_time(value: datetime) -> str:
    """CAP dates: seconds precision, explicit offset, UTC written as -00:00 (CAP 1.2 §3.3.2)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S-00:00")


def decimal(value: float, digits: int = 6) -> str:
    """A number as CAP 1.2 §3.2.4 wants its WGS 84 coordinates: decimal, never an exponent
    (``5e-05``), at most ``digits`` decimals (6: about 0.1 m), no trailing zeros, no ``-0``."""
    fixed = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if fixed == "-0" else fixed


def _point(lat: float, lon: float) -> str:
    return f"{decimal(lat)},{decimal(lon)}"


def _language_tag(language: str) -> str:
    return language.replace("_", "-")  # RFC 3066: zh-Hans, zh-Hant


def _sub(parent: ET.Element, tag: str, text: str | None, ns: str = CAP_NS) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}")
    element.text = strip_xml_invalid(text)  # older rows were stored before inputs were checked
    return element


def _area_description(areas: list[MessageArea], language: str) -> str:
    names = []
    for area in areas:
        if area.kind == "country":
            names.append(places.country_name(area.code, language))
        elif area.kind == "subdivision":
            names.append(places.subdivision_name(area.code, language))
        elif area.kind == "circle":
            names.append(f"{decimal(area.lat, 4)},{decimal(area.lon, 4)} "
                         f"+{decimal(area.radius_km, 3)} km")
        else:
            names.append(f"polygon ({len(area.ring) - 1} points)")
    return "; ".join(names)


def _add_area(info: ET.Element, areas: list[MessageArea], language: str) -> None:
    area = _sub(info, "area", None)
    _sub(area, "areaDesc", _area_description(areas, language))
    for part in areas:
        if part.kind == "polygon":
            _sub(area, "polygon", " ".join(_point(lat, lon) for lat, lon in part.ring))
    for part in areas:
        if part.kind == "circle":
            _sub(area, "circle", f"{_point(part.lat, part.lon)} {decimal(part.radius_km)}")
    for part in areas:
        if part.kind in ("country", "subdivision"):
            geocode = _sub(area, "geocode", None)
            _sub(geocode, "valueName", "ISO3166-1" if part.kind == "country" else "ISO3166-2")
            _sub(geocode, "value", part.code)


def cap_xml(alert: Alert) -> bytes:
    """The alert as a CAP 1.2 document: one ``info`` block per language."""
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent_at or alert.created_at))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public")
    if alert.references is not None:
        ref = alert.references
        _sub(root, "references",
             f"{ref.sender},{ref.identifier},{cap_time(ref.sent_at or ref.created_at)}")
    areas = alert.areas or (alert.references.areas if alert.references else [])
    for text in alert.texts:
        info = _sub(root, "info", None)
        _sub(info, "language", _language_tag(text.language))
        _sub(info, "category", alert.category)
        _sub(info, "event", alert.event)
        _sub(info, "urgency", alert.urgency)
        _sub(info, "severity", alert.severity)
        _sub(info, "certainty", alert.certainty)
        _sub(info, "effective", cap_time(alert.effective))
        _sub(info, "expires", cap_time(alert.expires))
        _sub(info, "senderName", current_app.config["MINISTRY_NAME"])
        _sub(info, "headline", text.headline)
        _sub(info, "description", text.description)
        if text.instruction:
            _sub(info, "instruction", text.instruction)
        if text.web:
            _sub(info, "web", text.web)
        if areas:
            _add_area(info, areas, text.language)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS)


def _plain(parent: ET.Element, tag: str, text: str | None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = strip_xml_invalid(text)
    return element


def atom_feed(alerts: list[Alert]) -> bytes:
    """An Atom feed whose entries link to each alert's CAP document."""
    # Plain names plus an xmlns attribute: Atom links carry unqualified attributes, which
    # ElementTree's default_namespace option refuses.
    feed = ET.Element("feed", xmlns=ATOM_NS)
    self_url = public_url_for("alerts.AlertFeed")
    _plain(feed, "id", self_url)
    _plain(feed, "title", current_app.config["MINISTRY_NAME"])
    updated = max((a.sent_at for a in alerts), default=None)
    _plain(feed, "updated", (updated or datetime(2000, 1, 1, tzinfo=UTC)).isoformat())
    link = _plain(feed, "link", None)
    link.attrib.update(rel="self", href=self_url, type="application/atom+xml")
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    for alert in alerts:
        text = alert.text_for(default, default)
        entry = _plain(feed, "entry", None)
        _plain(entry, "id", f"urn:uuid:{alert.identifier}")
        _plain(entry, "title", text.headline if text else alert.event)
        _plain(entry, "updated", alert.sent_at.isoformat())
        author = _plain(entry, "author", None)
        _plain(author, "name", alert.sender)
        _plain(entry, "summary", f"{alert.msg_type}: {alert.severity} {alert.event}")
        link = _plain(entry, "link", None)
        link.attrib.update(rel="alternate", type="application/cap+xml",
                           href=public_url_for("alerts.AlertCap", alert_id=alert.id))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
