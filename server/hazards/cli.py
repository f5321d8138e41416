"""``flask hazards import FILE``: load a saved feed document, to see the flow offline."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from server.hazards.formats import FORMATS

hazards_cli = AppGroup("hazards", help="Hazard feeds.")


@hazards_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: detected.")
@click.option("--feed", default="import", help="Feed key the events are stored under.")
def import_file(path: Path, fmt: str | None, feed: str) -> None:
    """Store the events of a saved CAP, GDACS or USGS document and count who is in them."""
    from flask import current_app

    from server.db import db, utcnow
    from server.hazards import impact
    from server.hazards.formats import FeedError, detect
    from server.hazards.ingest import ingest
    from server.hazards.models import HazardEvent

    body = path.read_bytes()
    if len(body) > current_app.config["HAZARD_MAX_BYTES"]:
        raise click.ClickException("file over HAZARD_MAX_BYTES")
    try:
        result = ingest(feed, fmt or detect(body), body)
    except FeedError as exc:
        raise click.ClickException(str(exc)) from exc
    now = utcnow()
    for event_id in result["changed"]:
        impact.count(db.session.get(HazardEvent, event_id), now)
    db.session.commit()
    click.echo(f"{len(result['changed'])} events stored or updated, {result['skipped']} "
               "skipped.")
