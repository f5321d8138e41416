"""Locale selection and the catalogs served to the PWA.

One set of catalogs in ``locales/`` serves both the server and the app: the app fetches
``/api/i18n/<locale>.json`` (every message of the catalog, extracted from the JS too).
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.mofile import read_mo
from flask import current_app, request
from flask_login import current_user


def supported(tag: str | None) -> str | None:
    """Map any language tag (``zh-TW``, ``zh_CN``, ``ar-EG``, ``en``) onto a supported locale."""
    if not tag:
        return None
    try:
        loc = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    languages = current_app.config["LANGUAGES"]
    if loc.language == "zh":
        script = loc.script
        if not script:
            key = f"zh_{loc.territory}" if loc.territory else "zh"
            likely = get_global("likely_subtags").get(key)
            script = "Hant" if likely and "Hant" in likely else "Hans"
        candidate = f"zh_{script}"
        return candidate if candidate in languages else None
    return loc.language if loc.language in languages else None


def select_locale() -> str:
    """The user's saved language, else the best Accept-Language match, else the default."""
    if request:
        explicit = supported(request.args.get("lang"))
        if explicit:
            return explicit
        if getattr(current_user, "is_authenticated", False):
            saved = supported(current_user.language)
            if saved:
                return saved
        for tag, _quality in request.accept_languages:
            match = supported(tag)
            if match:
                return match
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction(locale: str) -> str:
    return Locale.parse(locale).character_order == "right-to-left" and "rtl" or "ltr"


# The app picks a plural form without evaluating the catalog's C expression (its CSP forbids
# eval): the form index of every n below 200 is sent, and n >= 200 reuses n % 100 + 100,
# which gives the same form under every rule that depends on n only through n % 100
# and small values of n (all the languages served here).
PLURAL_TABLE_SIZE = 200


@lru_cache(maxsize=16)
def _catalog(directory: str, locale: str):
    path = Path(directory) / locale / "LC_MESSAGES" / "messages.mo"
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_mo(fh)


@lru_cache(maxsize=16)
def catalog_messages(directory: str, locale: str) -> dict[str, str]:
    """All translated messages of a compiled catalog, as ``{msgid: msgstr}``."""
    catalog = _catalog(directory, locale)
    if catalog is None:
        return {}
    return {m.id: m.string for m in catalog if m.id and m.string and isinstance(m.id, str)}


@lru_cache(maxsize=16)
def catalog_plurals(directory: str, locale: str) -> dict:
    """The plural messages as ``{singular: [form, ...]}`` and the form index of each n."""
    catalog = _catalog(directory, locale)
    if catalog is None:
        return {"plurals": {}, "plural_index": []}
    choose = gettext.c2py(catalog.plural_expr)
    forms = {m.id[0]: list(m.string) for m in catalog
             if isinstance(m.id, (list, tuple)) and all(m.string)}
    return {"plurals": forms, "plural_index": [choose(n) for n in range(PLURAL_TABLE_SIZE)]}
