"""Email to staff about work waiting for them (an approval asked of them, an SOS case nobody
has acknowledged), beside the live console event: in each one's console language, with a link
into the console and no traveler's details (the console shows those after sign-in)."""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from server.accounts.models import ACTING_ROLES, User
from server.db import db
from server.i18n import text_direction
from server.mail.message import build
from server.mail.tasks import send_later
from server.web.urls import public_url


def acting_staff(embassy_id: int | None) -> list[User]:
    """Enabled officers of the mission and every enabled admin."""
    return list(db.session.scalars(select(User).where(
        User.role.in_(ACTING_ROLES), User.disabled.is_(False),
        or_(User.embassy_id == embassy_id, User.role == "admin")).order_by(User.id)))


def _isolated(value, language: str) -> str:
    """Plain text has no <bdi>: in a right-to-left message, a name, number or event typed in
    Latin letters is wrapped in Unicode isolates (FSI ... PDI) so it keeps its own order."""
    return f"\u2068{value}\u2069" if text_direction(language) == "rtl" else str(value)


def email_staff(users: Iterable[User], subject, lines: Iterable, console_path: str,
                **params) -> int:
    """Mail each of ``users`` once the caller commits: ``subject`` and ``lines`` are lazy
    strings filled with ``params`` in the recipient's language. One address that cannot be
    mailed is logged and skipped. Returns how many were mailed."""
    link, lines, mailed = public_url("/console/#" + console_path), list(lines), 0
    for user in users:
        language = user.language or "en"
        values = {key: _isolated(value, language) for key, value in params.items()}
        with force_locale(language):
            text = "\n\n".join([_("Hello %(name)s,", name=_isolated(user.name, language)),
                                *(str(line) % values for line in lines),
                                _("Open it in the console: %(link)s", link=link)])
            try:
                send_later(build(user.email, str(subject) % values, text, to_name=user.name))
            except ValueError:
                current_app.logger.warning("staff %s not mailed: bad address or name", user.id)
                continue
        mailed += 1
    return mailed
