"""``flask push keys``: the VAPID public key, to check a deployment or rotate keys."""
from __future__ import annotations

import click
from flask.cli import AppGroup

push_cli = AppGroup("push", help="Web Push (VAPID keys).")


@push_cli.command("keys")
def show_keys() -> None:
    """Print the VAPID public key (base64url) browsers subscribe with."""
    from server.devices.keys import public_key

    click.echo(public_key())
