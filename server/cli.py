"""Command-line tools: ``flask embassies import``, ``flask translate ...``, ``flask demo``."""
from __future__ import annotations

from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask import Flask
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"

embassies_cli = AppGroup("embassies", help="The directory of missions.")
staff_cli = AppGroup("staff", help="Staff accounts.")
translate_cli = AppGroup("translate", help="Extract, update and compile the catalogs (pybabel).")
keys_cli = AppGroup("keys", help="Keys of the fields encrypted at rest.")


@keys_cli.command("new-field-key")
def new_field_key() -> None:
    """Print a new key; put it first in FIELD_ENCRYPTION_KEYS (then rotate-fields)."""
    from server.crypto import new_key

    click.echo(new_key())


@keys_cli.command("rotate-fields")
def rotate_fields() -> None:
    """Re-encrypt every encrypted field with the current (first) key, in one transaction."""
    from server.crypto import rotate_all
    from server.db import db

    changed = rotate_all(db.session.connection())
    db.session.commit()
    click.echo(f"Re-encrypted {changed} rows with the current key.")


@embassies_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sample", is_flag=True, help="Mark the missions as sample data.")
def import_missions(path: Path, sample: bool) -> None:
    """Import missions from a JSON or CSV file: all rows or none."""
    from server.db import db
    from server.embassies import services

    try:
        rows = services.read_rows(path)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: not a readable mission file ({exc})") from exc
    missions, errors = services.validate_rows(rows)
    if errors:
        for number, fields in errors.items():
            for field, messages in fields.items():
                click.echo(f"row {number}: {field}: {' '.join(map(str, _flat(messages)))}",
                           err=True)
        raise click.ClickException(f"{len(errors)} bad row(s); nothing was imported.")
    count = services.upsert_missions(missions, is_sample=sample)
    db.session.commit()
    click.echo(f"Imported {count} missions.")


def _flat(messages):
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from (f"{key}: {m}" for m in _flat(value))
    elif isinstance(messages, list):
        for item in messages:
            yield from _flat(item)
    else:
        yield messages


@translate_cli.command("extract")
def extract() -> None:
    """Collect every marked string (Python and the apps' JS) into locales/messages.pot."""
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_",
             "-o", str(LOCALES / "messages.pot"), "--no-location", "--sort-output",
             "--project", "Compatriot", str(ROOT / "server"), str(ROOT / "pwa"))


@translate_cli.command("update")
def update() -> None:
    """Merge messages.pot into every language's catalog."""
    _pybabel("update", "-i", str(LOCALES / "messages.pot"), "-d", str(LOCALES),
             "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("compile")
def compile_catalogs() -> None:
    """Compile the catalogs (.po -> .mo); refuses a catalog with untranslated messages."""
    _pybabel("compile", "-d", str(LOCALES), "--statistics")


def _pybabel(*args: str) -> None:
    if CommandLineInterface().run(["pybabel", *args]):
        raise click.ClickException(f"pybabel {args[0]} failed")


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["viewer", "officer", "admin"]), required=True)
@click.option("--embassy", "embassy_key", help="Mission key (required for officers and viewers).")
@click.password_option(help="Asked for when not given.")
def create_staff(email: str, name: str, role: str, embassy_key: str | None,
                 password: str) -> None:
    """Create a staff account bound to a mission."""
    from server.db import db
    from server.staff import services

    try:
        user = services.create_staff(email=email, name=name, role=role,
                                     embassy_key=embassy_key, password=password)
    except services.StaffProblems as exc:
        options = {"embassy_id": "--embassy"}
        raise click.ClickException("; ".join(
            f"{options.get(field, '--' + field)}: {' '.join(map(str, messages))}"
            for field, messages in exc.problems.items())) from exc
    db.session.commit()
    click.echo(f"Created {role} {user.email} (id {user.id}).")


def register(app: Flask) -> None:
    from server.devices.cli import push_cli
    from server.hazards.cli import hazards_cli
    from server.mail.cli import mail_cli
    from server.sms.cli import sms_cli

    app.cli.add_command(push_cli)
    app.cli.add_command(sms_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(embassies_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(hazards_cli)
