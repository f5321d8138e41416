"""The channels a delivery can go by. Each module has ``send(message, rows, now)``: the claimed
delivery rows of one message on that channel in, one ``server.sending.SendResult`` per row out
(id = the delivery's id), a row that cannot be sent failing alone.

Web Push is the first; email and SMS plug in the same way (a delivery row names its channel).
"""
from __future__ import annotations

from server.broadcast.channels import email, sms, webpush

# A person channel (no device: SMS, email) also has ``reachable()``, the SQL condition on
# ``users`` of who it can reach; the selection rule (server/broadcast/selection.py) then
# picks it up for the severities the configuration names.
CHANNELS = {"webpush": webpush, "sms": sms, "email": email}
