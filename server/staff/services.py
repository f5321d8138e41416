"""Staff accounts: created from the CLI or by admins in the console, changed by admins.

The rules live in ``problems``, used by both ways in: the API turns the problems into field
errors, the CLI into one error message (``StaffProblems`` is a ``ValueError``).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.accounts import passwords
from server.accounts import services as accounts
from server.accounts.models import STAFF_ROLES, User
from server.audit import services as audit
from server.db import db
from server.embassies.models import Embassy
from server.refusals import Conflict, NotFound

MIN_PASSWORD = 12
UNKNOWN_ROLE = _l("Must be one of: {choices}.")
SHORT_PASSWORD = _l("Staff passwords need at least {min} characters.")
EMAIL_TAKEN = _l("An account with this email already exists.")
NO_SUCH_MISSION = _l("There is no such mission.")
NEEDS_MISSION = _l("Officers and viewers belong to a mission.")
NOT_YOURSELF = _l("You cannot change your own role or disable your own account.")
OWN_PASSWORD = _l("Change your own password from your account, with your current one.")


class StaffProblems(ValueError):
    """Field -> messages; ``str()`` gives the whole list, for the command line."""

    def __init__(self, problems: dict[str, list]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {' '.join(map(str, messages))}"
                                   for field, messages in problems.items()))


def _mission(embassy_id: int | None, embassy_key: str | None) -> Embassy | None:
    if embassy_key:
        return db.session.scalar(select(Embassy).where(Embassy.key == embassy_key))
    return db.session.get(Embassy, embassy_id) if embassy_id is not None else None


def problems(role: str, embassy: Embassy | None, mission_given: bool, *,
             email: str | None = None, password: str | None = None) -> dict[str, list]:
    """What is wrong with a staff account's settings (empty: nothing). ``email`` and
    ``password`` are checked when given (a new account)."""
    found: dict[str, list] = {}
    if role not in STAFF_ROLES:
        found["role"] = [UNKNOWN_ROLE.format(choices=", ".join(STAFF_ROLES))]
    if password is not None and len(password) < MIN_PASSWORD:
        found["password"] = [SHORT_PASSWORD.format(min=MIN_PASSWORD)]
    elif password is not None and passwords.too_guessable(password):
        found["password"] = [passwords.TOO_GUESSABLE]
    if email is not None and accounts.find_by_email(email):
        found["email"] = [EMAIL_TAKEN]
    if mission_given and embassy is None:
        found["embassy_id"] = [NO_SUCH_MISSION]
    elif embassy is None and role != "admin":
        found["embassy_id"] = [NEEDS_MISSION]
    return found


def create_staff(email: str, name: str, role: str, password: str,
                 embassy_key: str | None = None, embassy_id: int | None = None,
                 created_by: User | None = None) -> User:
    """Create a staff member; officers and viewers belong to a mission. Flushes only.

    Raises ``StaffProblems`` (a ``ValueError``) listing every problem.
    """
    embassy = _mission(embassy_id, embassy_key)
    found = problems(role, embassy, bool(embassy_key) or embassy_id is not None,
                     email=email, password=password)
    if found:
        raise StaffProblems(found)
    user = User(email=email.strip().lower(), name=name, role=role,
                password_hash=accounts.hash_password(password),
                embassy_id=embassy.id if embassy else None, language="en")
    db.session.add(user)
    db.session.flush()
    audit.record(created_by or "cli", "staff.create", user, role=role,
                 embassy_id=user.embassy_id)
    return user


def list_staff() -> list[User]:
    return list(db.session.scalars(
        select(User).options(selectinload(User.embassy)).where(User.role.in_(STAFF_ROLES))
        .order_by(User.email)))


def get_staff(user_id: int) -> User:
    """A staff account, or 404 (traveler accounts are not managed here)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff:
        raise NotFound()
    return user


def set_language(user: User, language: str) -> None:
    """The console's language choice, kept on the account: the server picks a signed-in user's
    saved language over Accept-Language, so without it mission names would stay in the old one."""
    accounts.update_profile(user, {"language": language})
    refresh()  # this request's answer already in the new language


def update_staff(admin: User, user_id: int, changes: dict) -> User:
    """Change role, mission or disabled state, or reset the authenticator. Audited."""
    user = get_staff(user_id)
    if user.id == admin.id and (changes.get("role", user.role) != user.role
                                or changes.get("disabled")):
        raise Conflict(NOT_YOURSELF)
    role = changes.get("role", user.role)
    mission_given = "embassy_id" in changes
    embassy = (_mission(changes["embassy_id"], None) if mission_given
               else user.embassy)
    found = problems(role, embassy, mission_given and changes["embassy_id"] is not None)
    if found:
        raise StaffProblems(found)
    before = {"role": user.role, "embassy_id": user.embassy_id, "disabled": user.disabled}
    user.role, user.embassy_id = role, embassy.id if embassy else None
    if "disabled" in changes:
        user.disabled = changes["disabled"]
    after = {"role": user.role, "embassy_id": user.embassy_id, "disabled": user.disabled}
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed.get("disabled") == [False, True] or changes.get("reset_totp"):
        user.rotate_session_token()  # signed out everywhere at once
    if changes.get("reset_totp"):
        user.totp_secret = user.totp_pending_secret = user.totp_last_counter = None
        audit.record(admin, "staff.totp_reset", user)
    if changed:
        audit.record(admin, "staff.update", user, changes=changed)
    db.session.flush()
    return user


def set_password(admin: User, user_id: int, password: str) -> User:
    """An admin sets a staff member's new password (staff never get a reset link by email):
    every session of theirs ends, their authenticator stays. Audited (without the password)."""
    user = get_staff(user_id)
    if user.id == admin.id:
        raise Conflict(OWN_PASSWORD, field="password")
    found = problems(user.role, user.embassy, False, password=password)
    if found:
        raise StaffProblems(found)
    user.password_hash = accounts.hash_password(password)
    user.rotate_session_token()  # signed out everywhere at once
    audit.record(admin, "staff.password_set", user)
    db.session.flush()
    return user
