"""The texts the service sends by SMS, each in the recipient's language."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from server.sms.encoding import shorten


def _language(language: str | None) -> str:
    cfg = current_app.config
    return language if language in cfg["LANGUAGES"] else cfg["BABEL_DEFAULT_LOCALE"]


def rollcall(question: str, language: str | None, link: str | None = None) -> str:
    """The roll call's question and how to answer it, within the segment limit (the question
    is shortened, never the instruction)."""
    with force_locale(_language(language)):
        how = gettext("Reply 1 if you are safe, 2 if you need help.")
    return shorten(question, current_app.config["SMS_MAX_SEGMENTS"], link, f"\n{how}")


def help_text(language: str | None) -> str:
    """The answer to a text the service does not understand."""
    with force_locale(_language(language)):
        return gettext("Consular protection: reply 1 if you are safe, 2 if you need help, "
                       "SOS to call for help. Hotline: %(hotline)s",
                       hotline=current_app.config["CONSULAR_HOTLINE"])


def verification(code: str, language: str | None) -> str:
    minutes = current_app.config["SMS_CODE_MINUTES"]
    with force_locale(_language(language)):
        return ngettext("Your verification code is %(code)s. It expires in %(num)d minute.",
                        "Your verification code is %(code)s. It expires in %(num)d minutes.",
                        minutes, code=code)
