"""The broadcast pipeline: one message to many people, whatever the message is.

It owns who is in an area and time window (``audience``, ``areas``), the deliveries of a
message (``models``), and their fan-out: materialize, claim under lease, send, record, retry
with backoff, sweep (``tasks``). Alerts, roll calls and SOS updates are its callers: each
builds its message and its phone payload (``payloads``) and asks for it to be sent.
"""
