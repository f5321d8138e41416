"""The console's basemap setting: the tile server in the public config and the CSP only when
configured, a local tile folder served by the app, refused malformed URLs."""
import pytest
from flask import Flask

from server.security import CONTENT_SECURITY_POLICY, content_security_policy
from server.web.basemap import basemap, tile_origin
from tests.conftest import make_test_app

OSM = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def config(**values):
    app = Flask("basemap-test")
    app.config.update({"CONSOLE_BASEMAP_URL": None, "CONSOLE_TILES_DIR": None}, **values)
    return app


def test_without_a_basemap_the_console_gets_the_offline_fallback(client):
    assert client.get("/api/config").json["basemap"] is None
    assert client.get("/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_tile_server_is_given_to_the_console_and_allowed_for_images_only():
    app = config(CONSOLE_BASEMAP_URL=OSM, CONSOLE_BASEMAP_ATTRIBUTION="© OpenStreetMap")
    assert basemap(app.config) == {"url": OSM, "attribution": "© OpenStreetMap",
                                   "max_zoom": 18}
    assert tile_origin(app.config) == "https://*.tile.openstreetmap.org"
    csp = content_security_policy(app)
    assert "img-src 'self' data: blob: https://*.tile.openstreetmap.org;" in csp
    assert "connect-src 'self';" in csp and csp.count("openstreetmap") == 1


@pytest.mark.parametrize("url", ["http://tiles.example.org/{z}/{x}/{y}.png",
                                 "https://tiles.example.org/{z}/{x}.png",
                                 "https://{z}.example.org/{x}/{y}.png", "tiles/{z}/{x}/{y}"])
def test_a_malformed_tile_url_is_refused(url):
    with pytest.raises(ValueError, match="CONSOLE_BASEMAP_URL"):
        basemap(config(CONSOLE_BASEMAP_URL=url).config)


@pytest.fixture(scope="module")
def tiles_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiles")
    (folder / "3" / "4").mkdir(parents=True)
    (folder / "3" / "4" / "2.png").write_bytes(PNG)
    return make_test_app(tmp_path_factory, CONSOLE_TILES_DIR=str(folder),
                         CONSOLE_BASEMAP_ATTRIBUTION="Ministry survey")


def test_a_local_tile_folder_is_served_by_the_app(tiles_app):
    client = tiles_app.test_client()
    assert client.get("/api/config").json["basemap"] == {
        "url": "/tiles/{z}/{x}/{y}.png", "attribution": "Ministry survey", "max_zoom": 18}
    found = client.get("/tiles/3/4/2.png")
    assert found.status_code == 200 and found.data == PNG
    assert found.mimetype == "image/png"
    assert client.get("/tiles/3/4/9.png").status_code == 404
    assert client.get("/tiles/3/..%2F..%2Fetc/2.png").status_code == 404
    # Its own tiles: the CSP stays as it is.
    assert found.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_without_a_tile_folder_there_are_no_tiles(client):
    assert client.get("/tiles/3/4/2.png").status_code == 404


def test_a_configured_tile_server_reaches_the_csp_of_every_response(tmp_path_factory):
    app = make_test_app(tmp_path_factory, CONSOLE_BASEMAP_URL=OSM,
                        CONSOLE_BASEMAP_ATTRIBUTION="© OpenStreetMap contributors")
    client = app.test_client()
    assert client.get("/api/config").json["basemap"]["url"] == OSM
    for path in ("/", "/console/", "/api/config"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "img-src 'self' data: blob: https://*.tile.openstreetmap.org;" in csp, path


def test_a_malformed_tile_url_stops_the_app_at_startup(tmp_path_factory):
    with pytest.raises(ValueError, match="https://"):
        make_test_app(tmp_path_factory, CONSOLE_BASEMAP_URL="http://tiles.example.org/{z}/{x}/{y}.png")
