"""Draw the app icons (a white shield with a red star on deep blue) as PNG, no dependencies.

A star, not a cross: a red cross on white is the protected emblem of the Geneva Conventions.

Run from the repository root: ``python3 pwa/icons/make_icons.py``. The PNGs are committed;
rerun only when the emblem changes.
"""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
BLUE, WHITE, RED = (11, 61, 145), (255, 255, 255), (200, 16, 46)
SAMPLES = 3  # supersampling per axis, for smooth edges


def _shield(x: float, y: float) -> bool:
    """Inside a shield drawn in the unit square: flat top, straight sides, pointed bottom."""
    top, shoulder, tip, half = 0.2, 0.5, 0.84, 0.24
    if y < top or y > tip:
        return False
    if y <= shoulder:
        return abs(x - 0.5) <= half
    t = (y - shoulder) / (tip - shoulder)
    return abs(x - 0.5) <= half * (1 - t * t)


def _star_points(cx: float = 0.5, cy: float = 0.47, outer: float = 0.17) -> list:
    inner = outer * 0.382
    return [(cx + r * math.sin(i * math.pi / 5), cy - r * math.cos(i * math.pi / 5))
            for i in range(10) for r in [outer if i % 2 == 0 else inner]]


STAR = _star_points()


def _star(x: float, y: float) -> bool:
    """Point in the five-pointed star polygon (even-odd ray casting)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(STAR, STAR[1:] + STAR[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _rounded_square(x: float, y: float, radius: float = 0.18) -> bool:
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


def color_at(x: float, y: float, maskable: bool) -> tuple[int, int, int, int]:
    """RGBA of one sample; a maskable icon is full-bleed with the emblem in the safe zone."""
    if maskable:
        scale = 0.72  # the emblem fits the central circle of radius 40% with a margin
        ex, ey = 0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale
    else:
        if not _rounded_square(x, y):
            return (0, 0, 0, 0)
        ex, ey = x, y
    if _shield(ex, ey):
        return (*RED, 255) if _star(ex, ey) else (*WHITE, 255)
    return (*BLUE, 255)


def render(size: int, maskable: bool, paint=None) -> bytes:
    paint = paint or color_at
    rows = []
    n = SAMPLES * SAMPLES
    for py in range(size):
        row = bytearray([0])  # filter type: none
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    r, g, b, a = paint((px + (sx + 0.5) / SAMPLES) / size,
                                          (py + (sy + 0.5) / SAMPLES) / size, maskable)
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            alpha = acc[3]
            rgb = [round(c / alpha) if alpha else 0 for c in acc[:3]]
            row.extend([*rgb, round(alpha / n)])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# Notification icons by CAP severity: a warning sign (white "!" on a colour disc) that reads
# at a glance in a crowded notification shade; colours follow the usual alerting scale.
SEVERITY = {"extreme": (150, 0, 24), "severe": (214, 64, 0), "moderate": (196, 132, 0),
            "minor": (11, 61, 145), "info": (90, 98, 112)}


def _exclamation(x: float, y: float) -> bool:
    stem = abs(x - 0.5) <= 0.065 and 0.2 <= y <= 0.6
    dot = (x - 0.5) ** 2 + (y - 0.74) ** 2 <= 0.075 ** 2
    return stem or dot


def severity_color(colour: tuple[int, int, int]):
    def color_at_severity(x: float, y: float, _maskable: bool) -> tuple[int, int, int, int]:
        if (x - 0.5) ** 2 + (y - 0.5) ** 2 > 0.48 ** 2:
            return (0, 0, 0, 0)
        return (*WHITE, 255) if _exclamation(x, y) else (*colour, 255)
    return color_at_severity


def badge_color(x: float, y: float, _maskable: bool) -> tuple[int, int, int, int]:
    """The status-bar badge (Android shows only its alpha): the shield with the star cut out."""
    ex, ey = 0.5 + (x - 0.5) / 1.5, 0.52 + (y - 0.5) / 1.5
    return (*WHITE, 255) if _shield(ex, ey) and not _star(ex, ey) else (0, 0, 0, 0)


def main() -> None:
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True),
                                 ("apple-touch-icon.png", 180, True)):
        (HERE / name).write_bytes(render(size, maskable))
        print(name)
    for severity, colour in SEVERITY.items():
        (HERE / f"severity-{severity}.png").write_bytes(render(96, False, severity_color(colour)))
        print(f"severity-{severity}.png")
    (HERE / "badge.png").write_bytes(render(72, False, badge_color))
    print("badge.png")


if __name__ == "__main__":
    main()
