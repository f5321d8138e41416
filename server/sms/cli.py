"""``flask sms ...``: the embedded outbox for a newcomer trying SMS without a gateway."""
from __future__ import annotations

import uuid
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.exceptions import HTTPException

from server.refusals import Refusal

sms_cli = AppGroup("sms", help="SMS: the embedded outbox, replies and delivery reports.")
DLR_STATUS = {"delivered": (1, ""), "failed": (2, "stat:UNDELIV err:001"),
              "expired": (2, "stat:EXPIRED err:000"), "rejected": (16, "")}


def _inline() -> None:
    """Background work runs here: the command ends right after its commit."""
    current_app.extensions["celery"].conf.task_always_eager = True


def _commit_or_explain(work):
    from server.db import db

    _inline()
    try:
        result = work()
    except (HTTPException, Refusal) as exc:
        db.session.rollback()
        raise click.ClickException(str(getattr(exc, "data", None) or exc)) from exc
    db.session.commit()
    return result


@sms_cli.command("list")
@click.option("--limit", default=20, show_default=True)
def list_messages(limit: int) -> None:
    """The latest texts the embedded outbox "sent" (instance/sms/outbox/)."""
    from server.sms.gateway import FileOutbox
    from server.sms.outbox import outbox_directory

    for m in FileOutbox(outbox_directory()).messages()[-limit:]:
        at = datetime.fromtimestamp(m["at"]).isoformat(timespec="seconds")
        click.echo(f"#{m['id']} {at} to {m['to']} ({m['encoding']}, {m['segments']} "
                   f"segment{'s' if m['segments'] != 1 else ''}):\n  {m['text']}")


@sms_cli.command("reply")
@click.argument("phone")
@click.argument("text")
def reply(phone: str, text: str) -> None:
    """Receive TEXT from PHONE as if the operator passed it on (the gateway's reply path)."""
    from server.sms import inbound

    row = _commit_or_explain(lambda: inbound.receive(f"cli-{uuid.uuid4()}", phone, None, text))
    click.echo(f"Received #{row.id} from {row.sender}: {row.handled_as}")


@sms_cli.command("dlr")
@click.argument("message_id", type=int)
@click.argument("state", type=click.Choice(sorted(DLR_STATUS)))
def delivery_report(message_id: int, state: str) -> None:
    """Report MESSAGE_ID delivered, failed, expired or rejected, as the operator would."""
    from server.sms import services

    status, answer = DLR_STATUS[state]
    _commit_or_explain(lambda: services.delivery_report(message_id, status, answer, ""))
    from server.db import db
    from server.sms.models import SmsMessage

    click.echo(f"SMS #{message_id} is {db.session.get(SmsMessage, message_id).state}")
