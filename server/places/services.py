"""ISO 3166 codes and their names in the user's language (no database).

Country names come from CLDR through Babel; subdivision names from pycountry's
iso3166-2 translations (zh_CN / zh_TW / ar), falling back to the English name.
"""
from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from babel import Locale

from server.places import gazetteer

# pycountry's gettext domains use territory-style locale names.
_PYCOUNTRY_LOCALE = {"zh_Hans": "zh_CN", "zh_Hant": "zh_TW", "ar": "ar", "en": "en"}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: str) -> bool:
    return code in country_codes()


def is_subdivision(code: str) -> bool:
    return pycountry.subdivisions.get(code=code) is not None


def subdivision_country(code: str) -> str:
    return code.split("-", 1)[0]


@lru_cache(maxsize=8)
def _subdivision_translator(locale: str):
    target = _PYCOUNTRY_LOCALE.get(locale, locale)
    return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[target],
                               fallback=True)


def country_name(code: str, locale: str) -> str:
    territories = Locale.parse(locale).territories
    if code in territories:
        return territories[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def subdivision_name(code: str, locale: str) -> str:
    sub = pycountry.subdivisions.get(code=code)
    if sub is None:
        return code
    return _subdivision_translator(locale).gettext(sub.name)


@lru_cache(maxsize=8)
def countries(locale: str) -> list[dict]:
    """Every country as ``{code, name}``, sorted by name in that language."""
    items = [{"code": code, "name": country_name(code, locale)} for code in country_codes()]
    return sorted(items, key=lambda item: item["name"])


def subdivisions(country: str, locale: str) -> list[dict]:
    """The country's subdivisions as ``{code, name, type, parent}``, sorted by name."""
    items = [
        {"code": s.code, "name": subdivision_name(s.code, locale), "type": s.type,
         "parent": s.parent_code}
        for s in pycountry.subdivisions.get(country_code=country) or ()
    ]
    return sorted(items, key=lambda item: item["name"])


@lru_cache(maxsize=256)  # one entry per country at most
def emergency_numbers(country: str) -> tuple[str, ...]:
    """The short numbers ``phonenumbers``' short-number metadata marks as emergency numbers
    in ``country`` (``FR``: 15, 17, 18, 112), shortest first. The metadata gives a pattern,
    not a list, so every number of each possible length is tested against it (a few
    thousand checks, once per country)."""
    from itertools import product

    from phonenumbers import shortnumberinfo
    from phonenumbers.phonemetadata import PhoneMetadata

    metadata = PhoneMetadata.short_metadata_for_region(country)
    if metadata is None or metadata.emergency is None:
        return ()
    lengths = metadata.emergency.possible_length or metadata.general_desc.possible_length
    return tuple(number for length in sorted(lengths)
                 for number in map("".join, product("0123456789", repeat=length))
                 if shortnumberinfo.is_emergency_number(number, country))


def _city(city: gazetteer.City, locale: str) -> dict:
    return {"name": city.display_name(locale), "country": country_name(city.country, locale),
            "country_code": city.country, "lat": city.lat, "lon": city.lon,
            "population": city.population}


def cities_in(box: dict, limit: int, locale: str) -> list[dict]:
    """The most populous cities in a map's box (``south``, ``west``, ``north``, ``east``),
    for the labels of the console's offline map."""
    return [_city(city, locale) for city in gazetteer.largest_in(
        box["south"], box["west"], box["north"], box["east"], limit)]


def search_places(query: str, limit: int, locale: str) -> list[dict]:
    """Cities matching ``query`` (or the position it spells) as ``{name, country, lat, lon,
    population}`` in ``locale``."""
    point = gazetteer.typed_point(query)
    if point is not None:
        lat, lon = point
        code = gazetteer.point_country(lat, lon)
        return [{"name": gazetteer.describe(lat, lon, locale) or query.strip(),
                 "country": country_name(code, locale) if code else None,
                 "country_code": code, "lat": lat, "lon": lon, "population": None}]
    return [_city(city, locale) for city in gazetteer.search(query, limit)]
