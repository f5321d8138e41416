"""SMS encodings and segments: GSM 03.38 when the text fits its alphabet, else UCS-2.

The alphabet is the ``gsm0338`` codec's (a kept library, registered as ``gsm03.38``): a
character of its extension table (``{ } [ ] ~ \\ | ^ €``, form feed) is an escape plus a
character, two septets. UCS-2 counts UTF-16 code units, so a character outside the BMP (an
emoji) is two. A text in one segment holds 160 septets or 70 units; a concatenated one carries
a header, leaving 153 or 67 per segment, and a character is never split across two. No Flask.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

Encoding = Literal["gsm", "ucs2"]
GSM_CODEC = "gsm03.38"
CAPACITY = {"gsm": (160, 153), "ucs2": (70, 67)}  # (one segment, each of several)
ELLIPSIS = {"gsm": "...", "ucs2": "…"}  # "…" is not in the GSM alphabet
# Where a text may be cut: after a space, or between two characters of a script written
# without spaces (Han, kana, Hangul: each character is a word).
_UNSPACED = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class Measure:
    """How a text goes out: its encoding, its length in septets or UCS-2 units, its segments."""

    encoding: Encoding
    units: int
    segments: int


@lru_cache(maxsize=4096)
def _gsm_width(char: str) -> int | None:
    try:
        return len(char.encode(GSM_CODEC))
    except UnicodeEncodeError:
        return None


def _widths(text: str) -> tuple[Encoding, list[int]]:
    gsm = [_gsm_width(c) for c in text]
    if None not in gsm:
        return "gsm", gsm  # type: ignore[return-value]
    return "ucs2", [2 if ord(c) > 0xFFFF else 1 for c in text]


def _segments(widths: list[int], encoding: Encoding) -> int:
    single, multi = CAPACITY[encoding]
    if sum(widths) <= single:
        return 1 if widths else 0
    count, used = 1, 0
    for width in widths:  # a two-unit character that does not fit starts the next segment
        if used + width > multi:
            count, used = count + 1, 0
        used += width
    return count


def measure(text: str) -> Measure:
    """The encoding, units and segment count of ``text`` as an operator bills it."""
    encoding, widths = _widths(text)
    return Measure(encoding, sum(widths), _segments(widths, encoding))


def encoding_of(text: str) -> Encoding:
    return _widths(text)[0]


def _cut_points(text: str) -> list[int]:
    """Prefix lengths at word boundaries, ascending."""
    points = [i for i in range(1, len(text))
              if text[i].isspace() or _UNSPACED.match(text[i - 1]) or _UNSPACED.match(text[i])]
    return [*points, len(text)]


def shorten(text: str, max_segments: int, link: str | None = None, suffix: str = "") -> str:
    """``text + suffix`` if it fits in ``max_segments``; else ``text`` cut at a word boundary,
    an ellipsis, ``link`` (where the full text is read) and ``suffix``, within the limit."""
    if measure(text + suffix).segments <= max_segments:
        return text + suffix
    tail = ELLIPSIS[encoding_of(text + suffix)] + (f" {link}" if link else "") + suffix

    def fits(length: int) -> bool:
        return measure(text[:length].rstrip() + tail).segments <= max_segments

    if not fits(0):  # a link (or suffix) longer than the limit: without them
        return shorten(text, max_segments) if link or suffix else ""
    points = _cut_points(text)
    lo, hi, best = 0, len(points) - 1, 0
    while lo <= hi:  # segments only grow with the prefix: binary search for the longest
        mid = (lo + hi) // 2
        if fits(points[mid]):
            best, lo = points[mid], mid + 1
        else:
            hi = mid - 1
    return text[:best].rstrip() + tail

def cost(text: str, recipients: int, max_segments: int, link: str | None = None) -> dict:
    """What sending ``text`` (shortened to the limit) to ``recipients`` phones costs."""
    sent = shorten(text, max_segments, link)
    m = measure(sent)
    return {"encoding": m.encoding, "units": m.units, "segments": m.segments,
            "shortened": sent != text, "text": sent, "messages": recipients,
            "total_segments": m.segments * recipients}


def cost_preview(texts: dict[str, str], recipients: dict[str, int], max_segments: int,
                 link: str | None = None) -> dict:
    """Per language: the SMS count and segments for its text, and the totals (the composer's
    preview; ``recipients`` counts the phones per language, 0 where unknown)."""
    languages = {lang: cost(text, recipients.get(lang, 0), max_segments, link)
                 for lang, text in texts.items()}
    return {"languages": languages,
            "messages": sum(v["messages"] for v in languages.values()),
            "total_segments": sum(v["total_segments"] for v in languages.values())}

