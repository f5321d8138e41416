"""The broadcast pipeline: one message to many people, whatever the message is.

It owns the message itself (``models.Message``: area, text per language, time window, state;
each kind a subclass declared by its feature) and its deliveries, who is in an area and time
window (``audience``, ``areas``), the schemas every kind shares (``schemas``), and the fan-out:
materialize, claim under lease, send, record, retry with backoff, sweep (``tasks``). Alerts,
roll calls and SOS updates are its callers: each builds its message and its phone payload
(``payloads``) and asks for it to be sent.
"""
