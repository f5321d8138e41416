import pytest
from sqlalchemy import func, select

from server.db import db
from server.hazards import tasks
from server.hazards.models import HazardEvent, HazardFeed
from tests.hazards.conftest import endless, sample, slow


@pytest.fixture
def feed(app, feed_server, eager, monkeypatch):
    def _configure(path, body, etag=None, fmt="usgs"):
        feed_server.routes[path] = (body, etag)
        monkeypatch.setitem(app.config, "HAZARD_FEEDS", [
            {"key": "test", "url": feed_server.url(path), "format": fmt}])
    return _configure


def stored():
    return db.session.scalar(select(func.count()).select_from(HazardEvent))


def test_second_poll_with_304_changes_nothing(app, feed, feed_server):
    feed("/q.geojson", sample("usgs_summary.geojson"), etag='"v1"')
    first = tasks.poll_feed("test")
    assert len(first["changed"]) == 3 and stored() == 3
    counted = db.session.scalars(select(HazardEvent.counted_at)).all()
    assert all(counted)  # counted right after arriving
    assert db.session.get(HazardFeed, "test").etag == '"v1"'
    assert tasks.poll_feed("test") == {"changed": [], "skipped": 0}
    assert feed_server.hits[-1] == ("/q.geojson", '"v1"') and stored() == 3


def test_beat_polls_only_due_feeds(app, feed, feed_server):
    feed("/q.geojson", sample("usgs_summary.geojson"), etag='"v1"')
    tasks.poll_due()
    tasks.poll_due()  # within the interval: not fetched again
    assert len(feed_server.hits) == 1


def test_an_unconfigured_key_fetches_nothing(app, feed, feed_server):
    feed("/q.geojson", sample("usgs_summary.geojson"))
    assert tasks.poll_feed("elsewhere") is None and feed_server.hits == []


@pytest.mark.parametrize("body", [endless, slow(3)])
def test_huge_or_slow_feeds_are_refused_and_recorded(app, feed, monkeypatch, body):
    monkeypatch.setitem(app.config, "HAZARD_FETCH_TIMEOUT", (1.0, 1.0))
    feed("/bad", body)
    assert tasks.poll_feed("test") is None
    assert stored() == 0 and db.session.get(HazardFeed, "test").error
