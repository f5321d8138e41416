"""Who is in the areas of many events at once, by the broadcast audience rules (the people the
audience preview of each area would count), in one pass over the stays for a batch of events.

The database is read once per batch: the stays under way and the fresh consented fixes in
the areas' boxes (overlapping boxes merged, so the people of a city under a hundred quakes
are read once, not a hundred times), each with the channels its person has. Then each area
is tested in the worker with ``areas.point_test``, the Python twin of the SQL test, over a
grid of cells: a cell wholly inside a circle takes its stays without a test. Per person and
event: the first stay there (by stay id), else the latest fresh fix (who has a stay there is
counted by it, as ``audience.positioned_only`` says). Measured in bench/RESULTS.md section 4.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime
from operator import itemgetter

from sqlalchemy import and_, case, exists, false, select, union_all
from sqlalchemy.orm import aliased

from server.accounts.models import User
from server.broadcast import areas as area_rules
from server.broadcast import audience
from server.broadcast.models import Message
from server.db import db
from server.devices.models import Device
from server.geo import distance_from
from server.trips.models import Leg


def _has_device(user_id):
    other = aliased(Device)
    return exists().where(other.user_id == user_id)


# Channels a person can be reached by: one SQL test each on the person's user id, so email or
# SMS is one more entry here when they exist.
CHANNELS = {"push": _has_device}
CELL = 0.1  # degrees: about 11 km north-south
# A cell is inside a circle with this to spare (a point's cell is found by a rounded division)
MARGIN_KM, MARGIN_DEG = 1e-6, 1e-9
SHAPES = ("circle", "polygon")


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL), math.floor(lon / CELL)


def _boxes(messages: list[Message]) -> list[list[float]]:
    """[min_lat, max_lat, min_lon, max_lon] covering every shape, none crossing the
    antimeridian, overlapping ones merged (fewer, larger reads of the same rows)."""
    boxes = []
    for message in messages:
        for a in message.areas:
            if a.kind not in SHAPES:
                continue
            if a.min_lon <= a.max_lon:
                boxes.append([a.min_lat, a.max_lat, a.min_lon, a.max_lon])
            else:
                boxes += [[a.min_lat, a.max_lat, a.min_lon, 180.0],
                          [a.min_lat, a.max_lat, -180.0, a.max_lon]]
    merged = True
    while merged:
        merged, out = False, []
        for box in boxes:
            for other in out:
                if (box[0] <= other[1] and other[0] <= box[1] and box[2] <= other[3]
                        and other[2] <= box[3]):
                    other[:] = [min(box[0], other[0]), max(box[1], other[1]),
                                min(box[2], other[2]), max(box[3], other[3])]
                    merged = True
                    break
            else:
                out.append(box)
        boxes = out
    return boxes


def _where(messages: list[Message], lat, lon, country, subdivision=None) -> list:
    """One condition per box (each an index range), then the areas given by code."""
    parts = [and_(lat.between(b[0], b[1]), lon.between(b[2], b[3])) for b in _boxes(messages)]
    codes = {kind: sorted({a.code for message in messages for a in message.areas
                           if a.kind == kind})
             for kind in ("country", "subdivision")}
    if codes["country"]:
        parts.append(country.in_(codes["country"]))
    if codes["subdivision"] and subdivision is not None:
        parts.append(subdivision.in_(codes["subdivision"]))
    return parts or [false()]


def _reached(user_id) -> list:
    return [case((test(user_id), 1), else_=0) for test in CHANNELS.values()]


def _rows(selects: list, plain: bool = False) -> list:
    """The rows of the selects as tuples. ``plain``: columns of plain types only (integers,
    floats, text), read through the driver's cursor (a third of the worker's time for a
    batch's quarter of a million stays, next to making a result row of each)."""
    query = selects[0] if len(selects) == 1 else union_all(*selects)
    if not plain:
        return [tuple(row) for row in db.session.execute(query)]
    sql = str(query.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True}))
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _stays(messages: list[Message]) -> dict[int, tuple]:
    """Stay id -> (user_id, id, country, subdivision, city, resident, lat, lon, <channel>...)
    of the stays in any of the messages' areas' boxes, under way in their days (the same for
    all: see ``grouped``), by ``audience.leg_conditions``."""
    columns = (Leg.user_id, Leg.id, Leg.country, Leg.subdivision, Leg.city,
               case((Leg.end_date.is_(None), 1), else_=0), Leg.lat, Leg.lon,
               *_reached(Leg.user_id))
    dates = audience.leg_conditions(messages[0])[:2]
    return {row[1]: row for row in _rows([
        select(*columns).where(*dates, part)
        for part in _where(messages, Leg.lat, Leg.lon, Leg.country, Leg.subdivision)], plain=True)}


def _fixes(messages: list[Message], now: datetime) -> list[tuple]:
    """(user_id, position_country, lat, lon, position_at, <channel>...) of the fresh
    consented fixes in the batch's boxes and countries (a device in two is there twice), by
    ``audience.positioned_only`` (whose "no stay there" is ``_count``'s)."""
    columns = (Device.user_id, Device.position_country, Device.lat, Device.lon,
               Device.position_at, *_reached(Device.user_id))
    return _rows([
        select(*columns).join(User, User.id == Device.user_id)
        .where(User.location_consent.is_(True), Device.position_at >= audience.fresh_since(now),
               part)
        for part in _where(messages, Device.lat, Device.lon, Device.position_country)])


class _Places:
    """Rows by grid cell (those with coordinates), by country and by subdivision. ``keys``
    (stays): each cell's people with no other row in the batch also counted ahead, by their
    key (``keys(row)``), for the cells an area holds whole (see ``inside``)."""

    def __init__(self, rows, lat: int, lon: int, country: int, subdivision: int | None,
                 keys=None):
        self.cells, self.countries, self.subdivisions = (defaultdict(list), defaultdict(list),
                                                         defaultdict(list))
        self.lat, self.lon = lat, lon
        rows = list(rows)
        for row in rows:
            if row[lat] is not None and row[lon] is not None:
                self.cells[_cell(row[lat], row[lon])].append(row)
            self.countries[row[country]].append(row)
            if subdivision is not None:
                self.subdivisions[row[subdivision]].append(row)
        self.alone: dict[tuple, Counter] = {}  # cell -> keys of its people with one row
        self.shared: dict[tuple, list] = {}  # cell -> its rows of people with several
        self.home: dict[int, tuple] = {}  # person with one row -> its cell
        if keys is not None:
            rows_of = Counter(map(itemgetter(0), rows))
            for cell, cell_rows in self.cells.items():
                alone = [row for row in cell_rows if rows_of[row[0]] == 1]
                self.alone[cell] = Counter(map(keys, alone))
                self.shared[cell] = [row for row in cell_rows if rows_of[row[0]] > 1]
                self.home.update(dict.fromkeys(map(itemgetter(0), alone), cell))

    def inside(self, area, tally: Counter | None = None, wholes: set | None = None) -> list:
        """The rows in the area (a subdivision holds no fixes: positions have none). With
        ``tally``: of a cell the area holds whole, only the rows of people with several, the
        others added to ``tally`` by key and the cell to ``wholes``."""
        if area.kind == "country":
            return self.countries.get(area.code, [])
        if area.kind == "subdivision":
            return self.subdivisions.get(area.code, [])
        found, test, lat, lon = [], area_rules.point_test(area), self.lat, self.lon
        whole = _whole_cells(area)
        low, high = _cell(area.min_lat, area.min_lon), _cell(area.max_lat, area.max_lon)
        lons = (range(low[1], high[1] + 1) if area.min_lon <= area.max_lon else
                [*range(low[1], _cell(0, 180.0)[1] + 1), *range(_cell(0, -180.0)[1], high[1] + 1)])
        for i in range(low[0], high[0] + 1):
            for j in lons:
                rows = self.cells.get((i, j))
                if not rows:
                    continue
                if not whole(i, j):
                    found += [row for row in rows if test(row[lat], row[lon])]
                elif tally is None or (i, j) not in self.alone:
                    found += rows
                else:
                    tally.update(self.alone[(i, j)])
                    wholes.add((i, j))
                    found += self.shared[(i, j)]
        return found


def _whole_cells(area):
    """``whole(i, j)``: the whole cell (i, j) passes the circle's test: its corners are in the
    box and nearer than the radius (the distance to a point of a small lat/lon cell is
    largest at a corner). Never for other shapes."""
    if area.kind != "circle" or area.min_lon > area.max_lon:
        return lambda i, j: False
    distance, lat, lon, reach = (distance_from(area.lat, area.lon), area.lat, area.lon,
                                 area.radius_km - MARGIN_KM)
    low_lat, high_lat = area.min_lat + MARGIN_DEG, area.max_lat - MARGIN_DEG
    low_lon, high_lon = area.min_lon + MARGIN_DEG, area.max_lon - MARGIN_DEG

    def whole(i: int, j: int) -> bool:
        south, north, west, east = i * CELL, (i + 1) * CELL, j * CELL, (j + 1) * CELL
        if not (low_lat < south and north < high_lat and low_lon < west and east < high_lon):
            return False
        # The corner farthest in degrees first: most cells on the edge fail there, at one test.
        far_lat, near_lat = (south, north) if lat - south > north - lat else (north, south)
        far_lon, near_lon = (west, east) if lon - west > east - lon else (east, west)
        return (distance(far_lat, far_lon) <= reach and distance(far_lat, near_lon) <= reach
                and distance(near_lat, far_lon) <= reach and distance(near_lat, near_lon) <= reach)

    return whole


def grouped(messages: list[Message], now: datetime) -> list[list]:
    """For each message, its (country, subdivision, city, resident, <channel>..., people) rows:
    the people in its area grouped by place, residence and the channels they have."""
    result: list = [None] * len(messages)
    by_days = defaultdict(list)
    for index, message in enumerate(messages):
        by_days[(message.effective.date(), message.expires.date())].append(index)
    for indexes in by_days.values():
        batch = [messages[index] for index in indexes]
        stays = _Places(_stays(batch).values(), lat=6, lon=7, country=2, subdivision=3,
                        keys=_key)
        fixes = _Places(_fixes(batch, now), lat=2, lon=3, country=1, subdivision=None)
        for index in indexes:
            result[index] = _count(messages[index], stays, fixes)
    return result


def _key(stay: tuple) -> tuple:
    """(country, subdivision, city, resident, <channel>...) of a stay row."""
    return stay[2:6] + stay[8:]


def _count(message: Message, stays: _Places, fixes: _Places) -> list:
    # One area: the people alone in a cell it holds whole are counted ahead (``_Places``);
    # with several, one of them might be in two areas, so each is taken row by row.
    tally, wholes = (Counter(), set()) if len(message.areas) == 1 else (None, None)
    first: dict[int, tuple] = {}
    for area in message.areas:
        for row in stays.inside(area, tally, wholes):
            held = first.get(row[0])
            if held is None or row[1] < held[1]:
                first[row[0]] = row
    latest: dict[int, tuple] = {}
    for area in message.areas:
        for row in fixes.inside(area):
            if row[0] in first or (wholes and stays.home.get(row[0]) in wholes):
                continue
            held = latest.get(row[0])
            if held is None or (row[4], row[1] or "") > (held[4], held[1] or ""):
                latest[row[0]] = row
    counts = Counter(_key(row) for row in first.values())
    counts.update(tally or {})
    counts.update((row[1], None, None, 0, *row[5:]) for row in latest.values())
    return [[*key, people] for key, people in counts.items()]
