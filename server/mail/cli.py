"""``flask mail list``: the embedded outbox, so a newcomer can open a confirmation link."""
from __future__ import annotations

import click
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Email: the embedded .eml outbox.")


@mail_cli.command("list")
@click.option("--limit", default=20, show_default=True)
def list_messages(limit: int) -> None:
    """The latest messages the embedded outbox "sent" (instance/mail/), newest last."""
    from server.mail.outbox import outbox_directory
    from server.mail.transport import FileOutbox

    for m in FileOutbox(outbox_directory()).messages()[-limit:]:
        date = m["date"].isoformat(timespec="seconds") if m["date"] else "-"
        click.echo(f"{date} to {m['to']}: {m['subject']}\n  {m['file']}")
