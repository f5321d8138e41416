"""The console's basemap: an XYZ tile server (``CONSOLE_BASEMAP_URL``), tiles from a local
folder served by the app itself (``CONSOLE_TILES_DIR``, for a ministry with no Internet
access), or neither: the offline fallback of Natural Earth borders and gazetteer cities.

The tile origin is allowed in the CSP's ``img-src`` only when configured.
"""
from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_TILES = "/tiles/{z}/{x}/{y}.png"
PLACEHOLDERS = ("{z}", "{x}", "{y}")


def basemap(config) -> dict | None:
    """``{url, attribution, max_zoom}`` for the console, or None (the offline fallback).
    A malformed URL raises ValueError (at startup: security.install calls this)."""
    url = config.get("CONSOLE_BASEMAP_URL") or None
    if url is None and config.get("CONSOLE_TILES_DIR"):
        url = LOCAL_TILES
    if url is None:
        return None
    if url != LOCAL_TILES:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc:
            raise ValueError("CONSOLE_BASEMAP_URL must be an https:// tile URL")
        if "{" in parts.netloc.replace("{s}", ""):
            raise ValueError("CONSOLE_BASEMAP_URL: only {s} may stand in the host name")
    if not all(p in url for p in PLACEHOLDERS):
        raise ValueError("CONSOLE_BASEMAP_URL must hold {z}, {x} and {y}")
    return {"url": url, "attribution": config.get("CONSOLE_BASEMAP_ATTRIBUTION") or "",
            "max_zoom": int(config.get("CONSOLE_BASEMAP_MAX_ZOOM") or 18)}


def tile_origin(config) -> str | None:
    """The origin the console loads tiles from, as a CSP source (``{s}`` subdomains as a
    wildcard), or None when the tiles are the app's own or there are none."""
    found = basemap(config)
    if found is None or found["url"] == LOCAL_TILES:
        return None
    parts = urlsplit(found["url"])
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
