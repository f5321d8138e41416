"""Configured feeds and fetching them: only their own URLs, bounded size and time, no
redirects (a redirect would be a URL the configuration did not name), conditional GET."""
from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from flask import current_app

from server.hazards.formats import FORMATS, FeedError
from server.hazards.models import LEVELS, HazardFeed


@dataclass(frozen=True)
class Feed:
    key: str
    url: str
    format: str
    interval_seconds: int = 300
    min_level: str = "green"


def configured() -> list[Feed]:
    """The feeds of the configuration; an entry with an unknown format or level is refused
    loudly at use rather than polled wrongly."""
    feeds = [Feed(**entry) for entry in current_app.config["HAZARD_FEEDS"]]
    for feed in feeds:
        if feed.format not in FORMATS or feed.min_level not in LEVELS:
            raise ValueError(f"hazard feed {feed.key}: bad format or min_level")
        if not feed.url.startswith(("https://", "http://")):
            raise ValueError(f"hazard feed {feed.key}: not an http(s) URL")
    return feeds


def fetch(feed: Feed, state: HazardFeed) -> bytes | None:
    """The body, or None when unchanged (304); the validators are kept on ``state``."""
    config = current_app.config
    headers = {"User-Agent": "Compatriot hazard monitor"}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        with requests.get(feed.url, headers=headers, stream=True, allow_redirects=False,
                          timeout=config["HAZARD_FETCH_TIMEOUT"]) as response:
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise FeedError(f"HTTP {response.status_code}")
            body = _read(response, config["HAZARD_MAX_BYTES"],
                         config["HAZARD_FETCH_TIMEOUT"][1] * 3)
            state.etag = (response.headers.get("ETag") or "")[:200] or None
            state.last_modified = (response.headers.get("Last-Modified") or "")[:100] or None
            return body
    except requests.RequestException as exc:
        raise FeedError(f"fetch failed: {type(exc).__name__}") from exc


def _read(response, limit: int, deadline_seconds: float) -> bytes:
    """At most ``limit`` bytes within ``deadline_seconds`` (a slow drip is cut off too)."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FeedError(f"body of {declared} bytes is over the {limit} limit")
    chunks, size, started = [], 0, time.monotonic()
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise FeedError(f"body over the {limit} byte limit")
        if time.monotonic() - started > deadline_seconds:
            raise FeedError("body took too long")
        chunks.append(chunk)
    return b"".join(chunks)
