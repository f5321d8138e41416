"""The impact area of an event without one, and who is in it (the broadcast audience SQL).

Earthquake rule (configurable, ``HAZARD_QUAKE_RADIUS``): radius_km = 10 ** (a * M + b),
clamped to [min_km, max_km]; defaults a=0.5, b=-1.0, 20..1000 km: M5 ≈ 32 km, M6 = 100 km,
M7 ≈ 316 km (roughly where shaking is felt strongly enough to damage, not just noticed).
Other hazards given as a point: a circle of ``HAZARD_POINT_RADIUS_KM[kind]``.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import case, delete, exists, func, insert, literal, null, select, union_all

from server import live
from server.accounts.models import User
from server.broadcast import areas as area_rules
from server.broadcast import audience
from server.broadcast.models import Message
from server.db import db
from server.devices.models import Device
from server.embassies.models import Embassy, EmbassyArea
from server.hazards.models import HazardEvent, HazardEventMission
from server.trips.models import Leg


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


# Channels a person can be reached by: one SQL test each on the person's user id, so email or
# SMS is one more entry here when they exist.
CHANNELS = {
    "push": lambda user_id: exists().where(Device.user_id == user_id),
}


def _first(query, user_id, order):
    """Each user's first row of ``query`` by ``order`` (one row per person)."""
    ranked = query.add_columns(func.row_number().over(partition_by=user_id, order_by=order)
                               .label("nth")).subquery()
    return select(*[column for column in ranked.c if column.name != "nth"]).where(
        ranked.c.nth == 1)


def _people(message: Message, now: datetime):
    """(user_id, country, subdivision, city, resident): each person in the area once, with the
    place of their first stay there, else the country of their latest fresh fix.

    Set-based (a window over the stays in the area), not a lookup per person: an event in a
    capital holds tens of thousands of people, and a feed brings hundreds of events."""
    stays = _first(select(Leg.user_id, Leg.country, Leg.subdivision, Leg.city,
                          case((Leg.end_date.is_(None), 1), else_=0).label("resident"))
                   .where(*audience.leg_conditions(message)), Leg.user_id, Leg.id)
    fixes = _first(select(Device.user_id, Device.position_country.label("country"),
                          null().label("subdivision"), null().label("city"),
                          literal(0).label("resident"))
                   .join(User, User.id == Device.user_id)
                   .where(audience.positioned_only(message, now)),
                   Device.user_id, Device.position_at.desc())
    return union_all(stays, fixes).subquery()


def _grouped(message: Message, now: datetime):
    """(country, subdivision, city, resident, <channel>..., people) rows for the area."""
    people = _people(message, now)
    per_person = select(people.c.country, people.c.subdivision, people.c.city,
                        people.c.resident,
                        *[case((test(people.c.user_id), 1), else_=0).label(name)
                          for name, test in CHANNELS.items()]).subquery()
    keys = [per_person.c[name] for name in ("country", "subdivision", "city", "resident",
                                            *CHANNELS)]
    return db.session.execute(select(*keys, func.count()).group_by(*keys)).all()


def _missions() -> list:
    return db.session.execute(select(EmbassyArea.embassy_id, EmbassyArea.country,
                                     EmbassyArea.subdivision, Embassy.name)
                              .join(Embassy, Embassy.id == EmbassyArea.embassy_id)).all()


def count(event: HazardEvent, now: datetime) -> dict:
    """Count the people in the event's area today and store it with the event."""
    # A message never sent: the audience SQL reads its area and its day.
    message = Message(effective=now, expires=now,
                      areas=[area_rules.build_area(dict(a)) for a in event.areas])
    audience.make_room_to_hash()
    rows, missions = _grouped(message, now), _missions()
    totals = {"people": 0, "residents": 0, "channels": dict.fromkeys(CHANNELS, 0)}
    by_mission: dict[int, dict] = {}
    by_city: dict[tuple, int] = {}
    for country, subdivision, city, resident, *reach, people in rows:
        totals["people"] += people
        totals["residents"] += people * resident
        for name, reached in zip(CHANNELS, reach, strict=True):
            totals["channels"][name] += people * reached
        by_city[(country, city)] = by_city.get((country, city), 0) + people
        covering = {m.embassy_id: m.name for m in missions if m.country == country
                    and (m.subdivision is None or m.subdivision == subdivision)}
        for embassy_id, name in covering.items():
            entry = by_mission.setdefault(embassy_id, {"embassy_id": embassy_id,
                                                       "name": name, "people": 0})
            entry["people"] += people
    totals["travelers"] = totals["people"] - totals["residents"]
    totals["by_mission"] = sorted(by_mission.values(), key=lambda m: -m["people"])
    totals["by_city"] = [{"country": c, "city": city, "people": n} for (c, city), n
                         in sorted(by_city.items(), key=lambda item: -item[1])][:50]
    _store(event, totals, now)
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
