"""The page a link opened from an email shows: localized, in the link's language."""
from __future__ import annotations

from flask import Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup


def link_language() -> str:
    wanted = request.args.get("lang", "")
    return wanted if wanted in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def page(title: str, text: str, language: str, status: int = 200, form: Markup | None = None):
    """The page; ``form`` (markup built with escaping) goes under the text."""
    direction = "rtl" if language == "ar" else "ltr"
    html = Markup('<!DOCTYPE html><html lang="{}" dir="{}"><head><meta charset="utf-8">'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">'
                  "<title>{}</title></head><body><main><h1>{}</h1><p>{}</p>{}"
                  '<p><a href="/">{}</a></p></main></body></html>').format(
        language.replace("_", "-"), direction, title, title, text, form or "",
        _("Open Compatriot"))
    # A Response, so that the API blueprint passes it through instead of serializing it.
    return Response(str(html), status, content_type="text/html; charset=utf-8")


def refused_link(reason: str, language: str, used=None):
    """The page of a link that did not work; ``used``: what to say when it was used already."""
    with force_locale(language):
        texts = {"expired": _("This link has expired. Ask for a new one in the app."),
                 "used": str(used) if used else _("This link was already used."),
                 "invalid": _("This link is not valid. Check that it was copied whole.")}
        return page(_("The link did not work"), texts[reason], language, 400)
