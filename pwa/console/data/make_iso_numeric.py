"""Write iso-numeric.json: ISO 3166-1 numeric (world-atlas feature ids) -> alpha-2, from pycountry.

Run from the repository root: ``.venv/bin/python pwa/console/data/make_iso_numeric.py``.
"""
import json
from pathlib import Path

import pycountry

OUTPUT = Path(__file__).with_name("iso-numeric.json")


def main() -> None:
    table = {country.numeric: country.alpha_2
             for country in sorted(pycountry.countries, key=lambda c: c.numeric)}
    OUTPUT.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(table)} countries -> {OUTPUT}")


if __name__ == "__main__":
    main()
