"""Which person channels (SMS, email) a message goes by, and to whom: the one selection rule.

Push goes to every device of the audience (``audience.audience``). Besides, a person of the
audience gets one delivery per channel that ``BROADCAST_PERSON_CHANNELS`` names for the
message's ``selection_key`` (its severity, or "rollcall" for a roll call), the channels of
``BROADCAST_NO_PUSH_CHANNELS`` for every message when they have no push device (and those of
``BROADCAST_NO_PUSH_PERSON_CHANNELS`` for that key), and those of
``BROADCAST_OPT_IN_CHANNELS`` for every message when they asked for it, each only where the
channel can reach them (``reachable()`` of the channel module: a verified number, a verified
address). A channel
takes part by registering in ``server.broadcast.channels.CHANNELS`` with ``send`` and
``reachable``; nothing here names one.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import and_, exists, or_

from server.accounts.models import User
from server.broadcast.channels import CHANNELS
from server.broadcast.models import Message
from server.devices.models import Device


def person_channels(message: Message) -> list[tuple[str, object]]:
    """(channel, SQL condition on ``users``) for each registered person channel that some
    recipient of ``message`` may get."""
    cfg, key = current_app.config, message.selection_key
    wanted = tuple(cfg["BROADCAST_PERSON_CHANNELS"].get(key, ()))
    no_push = (tuple(cfg["BROADCAST_NO_PUSH_CHANNELS"])
               + tuple(cfg["BROADCAST_NO_PUSH_PERSON_CHANNELS"].get(key, ())))
    opt_in = dict(current_app.config["BROADCAST_OPT_IN_CHANNELS"])
    chosen = []
    for name in dict.fromkeys(wanted + no_push + tuple(opt_in)):
        module = CHANNELS.get(name)
        if module is None or not hasattr(module, "reachable"):
            continue
        condition = module.reachable()
        if name not in wanted:  # only for someone without push, or who asked for it
            reasons = []
            if name in no_push:
                reasons.append(~exists().where(Device.user_id == User.id))
            if name in opt_in:
                reasons.append(getattr(User, opt_in[name]).is_(True))
            condition = and_(condition, or_(*reasons))
        chosen.append((name, condition))
    return chosen
