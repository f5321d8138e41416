"""Hazard fixtures: saved feed documents, a local feed server with ETag support, travelers."""
from __future__ import annotations

import threading
import time
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from server.accounts.models import User
from server.db import db
from server.devices.models import Device
from server.trips.models import Leg, Trip

DATA = Path(__file__).parent / "data"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


class FeedServer:
    """Serves ``routes[path] = (body, etag)``; answers 304 to a matching If-None-Match.
    A body that is a callable writes the response itself (hostile cases)."""

    def __init__(self):
        self.routes, self.hits = {}, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                server.hits.append((self.path, self.headers.get("If-None-Match")))
                body, etag = server.routes[self.path]
                if callable(body):
                    return body(self)
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return None
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def eager(app):
    celery = app.extensions["celery"]
    celery.set_current()
    celery.set_default()
    before = celery.conf.task_always_eager
    celery.conf.task_always_eager = True
    yield
    celery.conf.task_always_eager = before


def traveler(country: str, lat: float, lon: float, start: date, end: date | None,
             city: str = "City", devices: int = 1) -> User:
    user = User(email=f"h-{uuid.uuid4().hex[:8]}@example.org", password_hash="x",
                name="Traveler", phone="+8613800138000", language="en", role="traveler")
    db.session.add(user)
    db.session.flush()
    trip = Trip(user_id=user.id, purpose="tourism", emergency_contact_name="W",
                emergency_contact_phone="+8613900139000", start_date=start, end_date=end)
    trip.legs = [Leg(user_id=user.id, country=country, lat=lat, lon=lon, city=city,
                     start_date=start, end_date=end)]
    db.session.add(trip)
    for _ in range(devices):
        db.session.add(Device(user_id=user.id, endpoint=f"https://push.example/{uuid.uuid4()}",
                              p256dh="k", auth="a"))
    db.session.flush()
    return user


def slow(seconds: float):
    def respond(handler):
        time.sleep(seconds)
        handler.send_response(200)
        handler.end_headers()
    return respond


def endless(handler):
    """A 100 MB body, streamed without a length."""
    handler.send_response(200)
    handler.end_headers()
    chunk = b" " * (1024 * 1024)
    try:
        for _ in range(100):
            handler.wfile.write(chunk)
    except OSError:
        pass
