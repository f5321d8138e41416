"""What a new password must be: not common, breached or patterned (sign-up, a password change,
a staff password set by an admin or on the command line).

zxcvbn (Dropbox's estimator; its Python port ships the frequency lists: 30,000 passwords most
common in breaches, English words, names and surnames) finds well-known passwords and words
("password12"), repeats ("aaaaaaaaaa"), sequences ("1234567890", "abcdefghij"), keyboard walks
and dates, and estimates the guesses left. Below score 3 (about 10^8 guesses) is refused.
Offline: nothing is sent anywhere.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from zxcvbn import zxcvbn

MIN_SCORE = 3
MAX_LENGTH = 128  # the schemas' bound; zxcvbn refuses longer input
TOO_GUESSABLE = _l("This password is too easy to guess: it is a common or leaked password, "
                   "or a repeat or sequence of characters. Choose a less predictable one.")


def too_guessable(password: str) -> bool:
    if not password:  # zxcvbn fails on an empty string
        return True
    return zxcvbn(password[:MAX_LENGTH], max_length=MAX_LENGTH)["score"] < MIN_SCORE


def validate_new(password: str) -> None:
    """A marshmallow validator for a new password's field."""
    if too_guessable(password):
        raise ValidationError([TOO_GUESSABLE])  # a list: a bare lazy string would be split
