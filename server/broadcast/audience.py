"""Who gets a message, computed by the database and materialized with INSERT ... SELECT.

Audience = every device of a traveler with a trip leg in the area during [effective, expires]
(no end date: resident), plus every device with a fresh consented position in the area.
One row per device; its language is the device's, else the user's, else the default.

The two ways in are disjoint by construction (a fresh position only counts for someone with
no stay there), so the halves are glued with UNION ALL: no sort or hash of the whole audience
to remove duplicates (300,000 rows for a large country). Measured in bench/RESULTS.md.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    and_,
    case,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
)

from server.accounts.models import User
from server.broadcast import areas as area_rules
from server.broadcast import batches
from server.broadcast.models import Delivery, Message
from server.db import UTCDateTime, conflict_insert, db, on_postgresql, utcnow
from server.devices.models import Device
from server.trips.models import Leg


def leg_conditions(message: Message) -> tuple:
    """SQL on ``Leg``: a stay in the area overlapping the message's days (dates are whole days)."""
    return (Leg.start_date <= message.expires.date(),
            or_(Leg.end_date.is_(None), Leg.end_date >= message.effective.date()),
            area_rules.place_condition(message.areas, Leg.country, Leg.subdivision, Leg.lat,
                                       Leg.lon))


def _leg_user_ids(message: Message):
    return select(Leg.user_id).where(*leg_conditions(message))


def fresh_since(now: datetime) -> datetime:
    """The oldest position that still counts as where someone is."""
    return now - timedelta(hours=current_app.config["ALERT_POSITION_MAX_AGE_HOURS"])


def positioned_only(message: Message, now: datetime):
    """SQL on ``Device`` joined to ``User``: a fresh consented position in the area, of
    someone with no stay there (those are reached through their stay)."""
    return and_(User.location_consent.is_(True), Device.position_at >= fresh_since(now),
                area_rules.position_condition(message.areas, Device.position_country,
                                              Device.lat, Device.lon),
                ~exists().where(Leg.user_id == Device.user_id, *leg_conditions(message)))


def _languages(message: Message) -> tuple[list[str], str]:
    """(the message's languages, the fallback: the default if the message has it, else any)."""
    languages = list(dict.fromkeys(t.language for t in message.texts))
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return languages, default if default in languages else (
        languages[0] if languages else default)


def language(message: Message, wanted=None):
    """SQL: the recipient's language (``wanted``: the device's, else the user's) if the message
    has it, else the default (else any)."""
    languages, fallback = _languages(message)
    wanted = func.coalesce(Device.language, User.language) if wanted is None else wanted
    return case((wanted.in_(languages), wanted), else_=literal(fallback)) if languages else (
        literal(fallback))


def _devices(message: Message, condition):
    """SELECT device_id, user_id, language of the devices meeting ``condition``."""
    return (select(Device.id.label("device_id"), Device.user_id,
                   language(message).label("language"))
            .join(User, User.id == Device.user_id).where(condition))


def _halves(message: Message, now: datetime) -> tuple:
    """The audience's two disjoint halves: devices of people with a stay, fresh positions."""
    return (_devices(message, Device.user_id.in_(_leg_user_ids(message))),
            _devices(message, positioned_only(message, now)))


def audience(message: Message, now: datetime | None = None):
    """SELECT device_id, user_id, language: one row per device in the audience.

    The two (disjoint) ways in side by side, not one WHERE ... OR ...: each half can then
    use its own index (devices by user for the stays, positions for the fresh fixes).
    """
    return union_all(*_halves(message, now or utcnow()))


def people(message: Message, now: datetime | None = None):
    """SELECT user_id: each person in the area once (a stay there, or a fresh position)."""
    now = now or utcnow()
    return union_all(_leg_user_ids(message).distinct(),
                     select(Device.user_id).join(User, User.id == Device.user_id)
                     .where(positioned_only(message, now)).distinct())


def person_rows(message: Message, channel: str, condition, persons=None):
    """SELECT device_id (NULL), user_id, language, channel: one row per person of ``persons``
    (a SELECT of user_id; default ``people``) meeting ``condition`` (on ``users``), for a
    person channel (SMS, email)."""
    persons = (people(message) if persons is None else persons).subquery()
    return (select(literal(None).label("device_id"), persons.c.user_id,
                   language(message, User.language).label("language"),
                   literal(channel).label("channel"))
            .join(User, User.id == persons.c.user_id).where(condition))


# A country's audience is a few hundred thousand rows: with PostgreSQL's default work_mem
# (4 MB) its hash joins split into batches written to disk. Raised for the transaction only.
HASH_MEMORY = "64MB"


def make_room_to_hash() -> None:
    """Raise work_mem for the current transaction (PostgreSQL; a no-op on SQLite)."""
    if on_postgresql():
        db.session.execute(text(f"SET LOCAL work_mem = '{HASH_MEMORY}'"))


def preview_query(message: Message, now: datetime | None = None):
    """One SELECT behind ``preview``: (people, then devices in each of the message's languages).

    The devices are ``audience``'s, counted per language with one ``count`` each (a device's
    language is one of a known few, see ``language``), so no GROUP BY. The people are those
    with a stay (a count of distinct ``legs.user_id``, uncorrelated: computed once) plus the
    distinct owners of the positioned devices already at hand (disjoint from the former),
    instead of a second statement finding the fresh positions again.
    """
    with_stay, positioned = _halves(message, now or utcnow())
    rows = union_all(with_stay.add_columns(literal(0).label("positioned")),
                     positioned.add_columns(literal(1).label("positioned"))).subquery()
    staying = (select(func.count(distinct(Leg.user_id))).where(*leg_conditions(message))
               .scalar_subquery())
    languages, fallback = _languages(message)
    return select(staying + func.count(distinct(rows.c.user_id)).filter(rows.c.positioned == 1),
                  *[func.count(case((rows.c.language == name, rows.c.device_id)))
                    for name in languages or [fallback]])


def preview(message: Message) -> dict:
    """Counts before sending: people in the area, devices to push to, devices per language."""
    languages, fallback = _languages(message)
    make_room_to_hash()
    travelers, *devices = db.session.execute(preview_query(message)).one()
    by_language = {name: count for name, count
                   in zip(languages or [fallback], devices, strict=True) if count}
    devices = sum(by_language.values())
    channels, costs = by_channel(message, devices)
    return {"travelers": travelers, "devices": devices, "by_language": by_language,
            "by_channel": channels, "cost": costs}


def by_channel(message: Message, devices: int) -> tuple[dict[str, int], dict[str, dict]]:
    """Before sending: devices for push, and the people each person channel of the selection
    rule would reach (one count per language and channel: a handful); and what it costs, for
    a channel that says (``cost(message, people per language)``: SMS and its segments)."""
    from server.broadcast.channels import CHANNELS
    from server.broadcast.selection import person_channels

    counts, costs = {"webpush": devices}, {}
    for channel, condition in person_channels(message):
        rows = person_rows(message, channel, condition).subquery()
        per_language = dict(db.session.execute(
            select(rows.c.language, func.count()).group_by(rows.c.language)).all())
        counts[channel] = sum(per_language.values())
        if hasattr(CHANNELS[channel], "cost"):
            costs[channel] = CHANNELS[channel].cost(message, per_language)
    return counts, costs


# Materialization goes in chunks of device ids, each its own transaction, so that the first
# batches are pushed while the rest is still being inserted (the workers otherwise wait, 2.5 s
# at 100,000 devices). The chunks grow from the first (a few batches, soon committed) so a
# large audience is still only a handful of statements, each repeating the audience query.
FIRST_CHUNK = 5_000  # device ids
LARGEST_CHUNK = 250_000


def chunks() -> list[tuple[int | None, int | None]]:
    """Device id ranges ``(low, high]`` covering every id: the first starts below any device
    and the last has no end (devices added meanwhile are in it), so no boundary drops one."""
    first, last = db.session.execute(select(func.min(Device.id), func.max(Device.id))).one()
    ranges, low, width = [], None, FIRST_CHUNK
    if first is not None:
        high = first - 1 + width
        while high < last:
            ranges.append((low, high))
            low, width = high, min(width * 2, LARGEST_CHUNK)
            high = low + width
    return ranges + [(low, None)]


def insert_deliveries(message: Message, rows, device_col=None, low: int | None = None,
                      high: int | None = None) -> int:
    """INSERT INTO deliveries SELECT ... skipping recipients the message already has a row for:
    device rows (``rows`` without a channel column: Web Push) by (message, device), person rows
    (with a ``channel`` column, no device) by (message, user, channel). Device rows only with
    ``low < device_col <= high`` (a chunk) if given. The new rows' batches are recorded in the
    same transaction (``batches.record``). Returns the number of rows inserted."""
    now = utcnow()
    # No NOT EXISTS against deliveries here: ON CONFLICT already skips the devices the message
    # has a row for, and with few deliveries in the statistics (a new installation) PostgreSQL
    # planned that anti-join as a nested loop re-scanning the heap this very INSERT grows:
    # quadratic, 87 s for 100,000 devices, hours for 1,000,000.
    if low is not None:
        rows = rows.where(device_col > low)
    if high is not None:
        rows = rows.where(device_col <= high)
    person = "channel" in rows.selected_columns.keys()  # noqa: SIM118  (a column collection)
    rows = rows.add_columns(
        literal(message.id).label("alert_id"), literal("pending").label("state"),
        literal(0).label("attempts"), literal(now, UTCDateTime()).label("next_attempt_at"),
        literal(now, UTCDateTime()).label("created_at"),
    ).where(true())  # SQLite parses INSERT ... SELECT ... ON CONFLICT only after a WHERE
    columns = ["device_id", "user_id", "language"] + (["channel"] if person else []) + [
        "alert_id", "state", "attempts", "next_attempt_at", "created_at"]
    statement = conflict_insert(Delivery).from_select(columns, rows)
    statement = (statement.on_conflict_do_nothing(
        index_elements=["alert_id", "user_id", "channel"],
        index_where=Delivery.device_id.is_(None)) if person else
        statement.on_conflict_do_nothing(index_elements=["alert_id", "device_id"]))
    make_room_to_hash()
    ids = list(db.session.scalars(statement.returning(Delivery.id)))
    batches.record(message.id, ids)
    return len(ids)


def materialize(message: Message, low: int | None = None, high: int | None = None) -> int:
    """Create a pending delivery for every device in the audience that has none yet (only
    the devices with ``low < id <= high`` if given: see ``chunks``)."""
    devices = audience(message).subquery()
    rows = select(devices.c.device_id, devices.c.user_id, devices.c.language)
    return insert_deliveries(message, rows, devices.c.device_id, low, high)


def materialize_people(message: Message, persons=None) -> int:
    """Create a pending person-channel delivery (SMS, email) for every person (of
    ``persons``, a SELECT of user_id; default ``people``) the selection rule gives one
    (``server/broadcast/selection.py``) that has none yet. Once per message, with the last
    chunk: people are few beside devices and have no device id to chunk by."""
    from server.broadcast.selection import person_channels

    return sum(insert_deliveries(message, person_rows(message, channel, condition, persons))
               for channel, condition in person_channels(message))


def materialize_cancel(cancel: Message, original: Message, low: int | None = None,
                       high: int | None = None) -> int:
    """A Cancel goes to every device the original went (or was going) to that is still there
    (a removed device's deliveries keep its number)."""
    rows = select(Delivery.device_id, Delivery.user_id, Delivery.language).join(
        Device, Device.id == Delivery.device_id).where(
        Delivery.alert_id == original.id, Delivery.state != "gone")
    return insert_deliveries(cancel, rows, Delivery.device_id, low, high)


def materialize_cancel_people(cancel: Message, original: Message) -> int:
    """A Cancel goes to every person-channel (SMS, email) the original went to."""
    rows = select(Delivery.device_id, Delivery.user_id, Delivery.language,
                  Delivery.channel).where(Delivery.alert_id == original.id,
                                          Delivery.device_id.is_(None))
    return insert_deliveries(cancel, rows)
