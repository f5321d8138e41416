"""SMS: encodings and segments, the Kannel gateway client (or the embedded file outbox),
verified phone numbers, delivery reports and replies from phones."""
