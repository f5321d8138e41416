"""Which mission serves a place, and the validated all-or-nothing import of the directory."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.db import db
from server.embassies.models import Embassy, EmbassyArea
from server.embassies.schemas import MissionIn
from server.places import services as places
from server.refusals import NotFound

SAMPLE_FILE = Path(__file__).parent / "data" / "sample_missions.json"
_KIND_ORDER = {"consulate": 0, "consulate_general": 1, "embassy": 2}


def list_missions(country: str | None = None) -> list[Embassy]:
    query = select(Embassy).options(selectinload(Embassy.areas)).order_by(Embassy.country,
                                                                         Embassy.name)
    if country:
        query = query.where(Embassy.country == country)
    return list(db.session.scalars(query))


def get_mission(mission_id: int) -> Embassy:
    mission = db.session.get(Embassy, mission_id)
    if mission is None:
        raise NotFound()
    return mission


def serving(country: str, subdivision: str | None = None) -> Embassy | None:
    """The mission responsible for a place: the most specific jurisdiction wins.

    A consulate-general covering ``US-CA`` serves California; the embassy covering ``US``
    serves every state no consulate covers.
    """
    return serving_each([(country, subdivision)])[0]


def serving_each(places: list[tuple[str, str | None] | None]) -> list[Embassy | None]:
    """``serving`` for each (country, subdivision), in one query; None for a None place."""
    wanted = [place for place in places if place]
    if not wanted:
        return [None] * len(places)
    subdivisions = [sub for _, sub in wanted if sub]
    area = EmbassyArea.subdivision.is_(None)
    if subdivisions:
        area = area | EmbassyArea.subdivision.in_(subdivisions)
    rows = db.session.execute(
        select(Embassy, EmbassyArea.country, EmbassyArea.subdivision).join(EmbassyArea)
        .where(EmbassyArea.country.in_({country for country, _ in wanted}), area)).all()

    def best(country: str, subdivision: str | None) -> Embassy | None:
        covering = [row for row in rows if row.country == country
                    and row.subdivision in (None, subdivision)]
        if not covering:
            return None
        return min(covering, key=lambda row: (row.subdivision is None,
                                              _KIND_ORDER.get(row.Embassy.kind, 9),
                                              row.Embassy.id)).Embassy

    return [best(*place) if place else None for place in places]


def place_at(lat: float, lon: float) -> tuple[str | None, str | None]:
    """The country at a position and, where jurisdictions split it by region, the region;
    resolved offline (None at sea, or where the country is not split)."""
    from server import geo

    country = geo.country_at(lat, lon)
    return country, geo.subdivision_at(lat, lon, country) if country else None


def read_rows(path: Path) -> list[dict]:
    """Rows of a JSON (list, or ``{"missions": [...]}``) or CSV file (``;`` separates codes)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        rows = []
        for row in csv.DictReader(io.StringIO(text)):
            row = {k: v for k, v in row.items() if v not in ("", None)}
            row["jurisdiction"] = [c.strip() for c in row.get("jurisdiction", "").split(";")
                                   if c.strip()]
            rows.append(row)
        return rows
    data = json.loads(text)
    return data["missions"] if isinstance(data, dict) else data


def validate_rows(rows: list[dict]) -> tuple[list[dict], dict[int, dict]]:
    """Validated rows, and the errors of each bad row keyed by its 1-based number."""
    schema, valid, errors = MissionIn(), [], {}
    keys: set[str] = set()
    for number, row in enumerate(rows, start=1):
        try:
            mission = schema.load(row)
        except ValidationError as exc:
            errors[number] = exc.messages
            continue
        if mission["key"] in keys:
            errors[number] = {"key": ["Duplicate key in this file."]}
        keys.add(mission["key"])
        valid.append(mission)
    return valid, errors


def upsert_missions(missions: list[dict], is_sample: bool = False) -> int:
    """Create or update missions by key, replacing their jurisdiction. Flushes only."""
    existing = {m.key: m for m in db.session.scalars(select(Embassy))}
    for data in missions:
        codes = data.pop("jurisdiction")
        mission = existing.get(data["key"]) or Embassy(key=data["key"])
        for key, value in data.items():
            setattr(mission, key, value)
        mission.is_sample = is_sample
        mission.areas = [
            EmbassyArea(country=places.subdivision_country(code), subdivision=code)
            if len(code) > 2 else EmbassyArea(country=code) for code in codes]
        db.session.add(mission)
    db.session.flush()
    return len(missions)
