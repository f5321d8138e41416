"""The impact area of an event without one, and the counts of who is in it (``census``).

Earthquake rule (configurable, ``HAZARD_QUAKE_RADIUS``): radius_km = 10 ** (a * M + b),
clamped to [min_km, max_km]; defaults a=0.5, b=-1.0, 20..1000 km: M5 ≈ 32 km, M6 = 100 km,
M7 ≈ 316 km (roughly where shaking is felt strongly enough to damage, not just noticed).
Other hazards given as a point: a circle of ``HAZARD_POINT_RADIUS_KM[kind]``.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import delete, insert, select

from server import live
from server.broadcast import areas as area_rules
from server.broadcast.models import Message
from server.db import db
from server.embassies.models import Embassy, EmbassyArea
from server.hazards import census
from server.hazards.models import HazardEvent, HazardEventMission


def quake_radius_km(magnitude: float) -> float:
    rule = current_app.config["HAZARD_QUAKE_RADIUS"]
    radius = 10 ** (rule["a"] * magnitude + rule["b"])
    return round(min(max(radius, rule["min_km"]), rule["max_km"]), 1)


def point_area(kind: str, lat: float, lon: float, magnitude: float | None) -> dict:
    """A circle around the reported position."""
    if kind == "earthquake" and magnitude is not None:
        radius = quake_radius_km(magnitude)
    else:
        radii = current_app.config["HAZARD_POINT_RADIUS_KM"]
        radius = radii.get(kind, radii["other"])
    return {"kind": "circle", "lat": lat, "lon": lon, "radius_km": radius}


def _missions() -> list:
    return db.session.execute(select(EmbassyArea.embassy_id, EmbassyArea.country,
                                     EmbassyArea.subdivision, Embassy.name)
                              .join(Embassy, Embassy.id == EmbassyArea.embassy_id)).all()


def count(event: HazardEvent, now: datetime) -> dict:
    """Count the people in the event's area today and store it with the event."""
    return count_many([event], now)[0]


def count_many(events: list[HazardEvent], now: datetime) -> list[dict]:
    """Count the people in each event's area today, in one read of the stays for all of them
    (the caller sizes the batch: ``tasks.COUNT_BATCH``), and store each count with its event."""
    missions, result = _missions(), []
    # Messages never sent: the audience rules read their area and their day.
    messages = [Message(effective=now, expires=now,
                        areas=[area_rules.build_area(dict(a)) for a in event.areas])
                for event in events]
    for event, event_rows in zip(events, census.grouped(messages, now), strict=True):
        totals = _totals(event_rows, missions)
        _store(event, totals, now)
        result.append(totals)
    return result


def _totals(rows: list, missions: list) -> dict:
    """The event's counts from its (country, subdivision, city, resident, <channel>...,
    people) rows: in all, by channel, by mission (whose jurisdiction covers the place) and by
    city (the 50 largest)."""
    totals = {"people": 0, "residents": 0, "channels": dict.fromkeys(census.CHANNELS, 0)}
    by_mission: dict[int, dict] = {}
    by_city: dict[tuple, int] = {}
    for country, subdivision, city, resident, *reach, people in rows:
        totals["people"] += people
        totals["residents"] += people * resident
        for name, reached in zip(census.CHANNELS, reach, strict=True):
            totals["channels"][name] += people * reached
        by_city[(country, city)] = by_city.get((country, city), 0) + people
        covering = {m.embassy_id: m.name for m in missions if m.country == country
                    and (m.subdivision is None or m.subdivision == subdivision)}
        for embassy_id, name in covering.items():
            entry = by_mission.setdefault(embassy_id, {"embassy_id": embassy_id,
                                                       "name": name, "people": 0})
            entry["people"] += people
    totals["travelers"] = totals["people"] - totals["residents"]
    totals["by_mission"] = sorted(by_mission.values(),
                                  key=lambda m: (-m["people"], m["embassy_id"]))
    totals["by_city"] = [{"country": c, "city": city, "people": n} for (c, city), n in sorted(
        by_city.items(), key=lambda item: (-item[1], item[0][0] or "", item[0][1] or ""))][:50]
    return totals


def _store(event: HazardEvent, totals: dict, now: datetime) -> None:
    """The counts, the missions' share of them (the staff list's scope), and a live event to
    each mission with enough people in the area for the console's banner."""
    event.counts, event.counted_at = totals, now
    db.session.execute(delete(HazardEventMission).where(HazardEventMission.event_id == event.id))
    if totals["by_mission"]:
        db.session.execute(insert(HazardEventMission), [
            {"event_id": event.id, "embassy_id": m["embassy_id"], "people": m["people"]}
            for m in totals["by_mission"]])
    db.session.flush()
    least = current_app.config["HAZARD_BANNER_MIN_PEOPLE"]
    for mission in totals["by_mission"]:
        if mission["people"] >= least and event.state == "open":
            live.publish_after_commit("hazard.counted", mission["embassy_id"], event=event.id,
                                      people=mission["people"])
