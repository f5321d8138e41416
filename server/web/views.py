"""Public configuration, the UI catalogs, and the PWA's static files."""
from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import current_app, send_from_directory
from flask.views import MethodView
from flask_smorest import abort

from server.i18n import catalog_messages, text_direction
from server.web import blp, pages
from server.web.schemas import CatalogOut, PublicConfigOut

PWA_DIR = Path(__file__).resolve().parent.parent.parent / "pwa"
# Files that must be revalidated every time so an update is seen at once.
NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest"}


@blp.route("/config")
class PublicConfig(MethodView):
    @blp.response(200, PublicConfigOut)
    def get(self):
        """The ministry's identity, hotline and languages"""
        cfg = current_app.config
        return {
            "ministry_name": cfg["MINISTRY_NAME"],
            "home_country": cfg["HOME_COUNTRY"],
            "hotline": cfg["CONSULAR_HOTLINE"],
            "languages": [{"code": code, "name": Locale.parse(code).display_name,
                           "dir": text_direction(code)} for code in cfg["LANGUAGES"]],
            "default_language": cfg["BABEL_DEFAULT_LOCALE"],
        }


@blp.route("/i18n/<string:locale>.json")
class Catalog(MethodView):
    @blp.response(200, CatalogOut)
    def get(self, locale):
        """Every UI message of one language, for the apps"""
        if locale not in current_app.config["LANGUAGES"]:
            abort(404)
        return {"locale": locale, "dir": text_direction(locale),
                "messages": catalog_messages(current_app.config["BABEL_TRANSLATION_DIRECTORIES"],
                                             locale)}


@pages.route("/")
def index():
    return _static("index.html")


@pages.route("/<path:filename>")
def static_file(filename: str):
    if filename.startswith("api/"):
        abort(404)
    return _static(filename)


def _static(filename: str):
    response = send_from_directory(PWA_DIR, filename, max_age=0 if filename in NO_CACHE else 3600)
    if filename in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    if filename == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    return response
