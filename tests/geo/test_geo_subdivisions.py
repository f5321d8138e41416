"""Offline position -> region (ISO 3166-2) for the countries the missions split by region."""
import gzip
import json

import pycountry
import pytest

from server.geo import subdivision_at
from server.geo.build_subdivisions import SAMPLE_MISSIONS, named_codes
from server.geo.countries import SUBDIVISIONS_FILE


@pytest.mark.parametrize("lat, lon, country, code", [
    (34.0522, -118.2437, "US", "US-CA"),  # Los Angeles
    (40.78, -73.96, "US", "US-NY"),  # Manhattan
    (61.2181, -149.9003, "US", "US-AK"),  # Anchorage
    (51.88, -176.65, "US", "US-AK"),  # Adak, west of the antimeridian's far side
    (55.9533, -3.1883, "GB", "GB-SCT"),  # Edinburgh
    (54.5973, -5.9301, "GB", "GB-NIR"),  # Belfast
    (45.4642, 9.19, "IT", "IT-25"),  # Milan
    (59.9343, 30.3351, "RU", "RU-SPE"),  # Saint Petersburg
    (-8.65, 115.2167, "ID", "ID-BA"),  # Denpasar
])
def test_known_places_resolve_to_the_region_the_jurisdictions_name(lat, lon, country, code):
    assert subdivision_at(lat, lon, country) == code


def test_a_country_no_jurisdiction_splits_has_no_region():
    assert subdivision_at(48.8566, 2.3522, "FR") is None


def test_only_the_given_countrys_regions_answer():
    assert subdivision_at(34.0522, -118.2437, "MX") is None


def test_every_region_the_sample_jurisdictions_name_is_in_the_data_with_a_real_code():
    with gzip.open(SUBDIVISIONS_FILE, "rt", encoding="utf-8") as stream:
        codes = {item["code"] for item in json.load(stream)["subdivisions"]}
    assert named_codes([SAMPLE_MISSIONS]) <= codes
    assert all(pycountry.subdivisions.get(code=code) for code in codes)
