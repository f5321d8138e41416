"""Named signals: how a feature plugs into another's work, by connecting a receiver in its own
``__init__.py`` (Indico's model), instead of lists of import paths kept somewhere else.

Each signal's doc says what its receivers get and return. Senders gather the answers with
``signal.send(...)``: a list of ``(receiver, value)`` pairs.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

broadcast_kinds = _signals.signal("broadcast-kinds", doc="""
    Receivers return a ``server.broadcast.kinds.Kind``: a kind of message the broadcast
    pipeline sends (its phone payload and the task that materializes and fans it out).""")

user_data_export = _signals.signal("user-data-export", doc="""
    Sent with the ``User`` who asked for their data; receivers return ``(section, data)``:
    what their feature holds about that person, JSON-ready.""")

account_deleting = _signals.signal("account-deleting", doc="""
    Sent with the ``User`` whose account is being deleted, in the same transaction, before the
    row goes; receivers delete what their feature keeps of that person in a table without a
    foreign key to ``users`` (the others go by ``ON DELETE CASCADE``).""")

location_consent_withdrawn = _signals.signal("location-consent-withdrawn", doc="""
    Sent with the ``User`` who withdrew consent to location sharing; receivers delete every
    position their feature keeps of that person.""")
