"""Feed formats. Each module offers ``items(body) -> list`` (raises ``FeedError`` when the
document itself is unreadable) and ``event(item) -> dict`` (raises ``ValueError`` for one bad
item, which is then skipped alone). XML goes through ``parse_xml`` only."""
from __future__ import annotations

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException


class FeedError(Exception):
    """The whole document is refused (malformed, hostile, too large, unreachable)."""


def parse_xml(body: bytes):
    """An ElementTree root, refusing DTDs outright (entity bombs, external entities)."""
    try:
        return SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise FeedError(f"not a safe, well-formed XML document: {exc}") from exc


def module(name: str):
    from server.hazards.formats import cap, gdacs, usgs

    return {"cap": cap, "gdacs": gdacs, "usgs": usgs}[name]


FORMATS = ("cap", "gdacs", "usgs")


def detect(body: bytes) -> str:
    """The format of a saved document, from its first bytes and namespaces."""
    head = body[:4096].lstrip()
    if head[:1] in (b"{", b"["):
        return "usgs"
    if b"gdacs" in head:
        return "gdacs"
    return "cap"
