"""Storing what a feed says: one event per feed identifier, each item on its own (a bad one
is logged and skipped, in a savepoint so it never leaves half an event), expired ones closed.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from server.broadcast import areas as area_rules
from server.db import db
from server.geo import country_at
from server.hazards.formats import module
from server.hazards.models import LEVELS, HazardEvent

FIELDS = ("version", "kind", "title", "level", "magnitude", "depth_km", "lat", "lon",
          "areas", "cap", "effective", "expires")


def usable_areas(areas: list[dict]) -> list[dict]:
    """The areas a message may have (out-of-range coordinates, bad rings dropped)."""
    return [area for area in areas if not area_rules.problems(area)]


def _prepare(data: dict, now: datetime) -> dict:
    data["areas"] = usable_areas(data["areas"])
    if not data["areas"]:
        raise ValueError("no usable area")
    hours = timedelta(hours=current_app.config["HAZARD_OPEN_HOURS"])
    data["expires"] = data["expires"] or (data.get("ends") or data["effective"]) + hours
    data["country"] = _country(data)
    return data


def _country(data: dict) -> str | None:
    codes = [a["code"][:2] for a in data["areas"] if a["kind"] in ("country", "subdivision")]
    if codes:
        return codes[0]
    return country_at(data["lat"], data["lon"]) if data["lat"] is not None else None


def ingest(feed_key: str, fmt: str, body: bytes, min_level: str = "green",
           now: datetime | None = None) -> dict:
    """Parse and store a document; returns {"changed": [event ids], "skipped": n}. A
    ``FeedError`` (the whole document refused) propagates to the caller."""
    now = now or datetime.now().astimezone()
    parser, floor = module(fmt), LEVELS.index(min_level)
    changed, skipped = [], 0
    for item in parser.items(body):
        try:
            data = _prepare(parser.event(item), now)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            current_app.logger.warning("hazard feed %s: item skipped: %s", feed_key, exc)
            skipped += 1
            continue
        if LEVELS.index(data["level"]) < floor:
            continue
        try:
            with db.session.begin_nested():
                event_id = _store(feed_key, data, now)
        except Exception as exc:  # noqa: BLE001  (one item never blocks the others)
            current_app.logger.warning("hazard feed %s: item not stored: %s", feed_key, exc)
            skipped += 1
            continue
        if event_id:
            changed.append(event_id)
    close_expired(now)
    return {"changed": changed, "skipped": skipped}


def _store(feed_key: str, data: dict, now: datetime) -> int | None:
    """Insert or replace; None when the stored event is already this version."""
    event = db.session.scalar(select(HazardEvent).where(
        HazardEvent.feed == feed_key, HazardEvent.source_id == data["source_id"]))
    if event is not None and event.version == data["version"]:
        return None
    if event is None:
        event = HazardEvent(feed=feed_key, source_id=data["source_id"])
        db.session.add(event)
    for name in (*FIELDS, "country"):
        setattr(event, name, data[name])
    event.state = "closed" if data["cancelled"] or event.expires <= now else "open"
    event.counts, event.counted_at = None, None  # an update is counted again
    db.session.flush()
    return event.id


def close_expired(now: datetime) -> None:
    db.session.execute(update(HazardEvent).where(HazardEvent.state == "open",
                                                 HazardEvent.expires <= now)
                       .values(state="closed"))
