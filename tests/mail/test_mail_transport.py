"""The SMTP transport against a real server on loopback (STARTTLS, AUTH): what arrives, one
connection for a batch, and the faults: 451 then accepted, 550, a connection dropped."""
from __future__ import annotations

import pytest

from server.mail.message import HeaderInjection, build
from server.mail.transport import FileOutbox, SmtpTransport, parse_mail_url


def _messages(app, addresses):
    with app.test_request_context():
        return [(i, build(a, f"Subject {i}", f"Plain {i}", f"<p>HTML {i}</p>"))
                for i, a in enumerate(addresses)]


def _transport(url, context):
    return SmtpTransport(url, timeout=5, context=context)


def test_a_batch_arrives_on_one_connection_with_both_parts(app, smtp, client_context):
    sink, url = smtp
    transport = _transport(url, client_context)
    results = transport.send_many(_messages(app, [f"t{i}@example.org" for i in range(5)]))
    assert [(r.id, r.outcome, r.status) for r in results] == [(i, "sent", 250) for i in range(5)]
    assert sink.connections == 1
    recipients, message = sink.messages[3]
    assert recipients == ["t3@example.org"]
    assert message["Subject"] == "Subject 3" and message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content().strip() == "Plain 3"
    assert message.get_body(("html",)).get_content().strip() == "<p>HTML 3</p>"
    transport.send_many(_messages(app, ["again@example.org"]))  # the next batch: same one
    assert sink.connections == 1
    transport.close()


def test_a_451_is_a_retry_and_then_accepted(app, smtp, client_context):
    sink, url = smtp
    sink.faults["busy@example.org"] = [451]
    transport = _transport(url, client_context)
    (first,) = transport.send_many(_messages(app, ["busy@example.org"]))
    assert (first.outcome, first.status) == ("retry", 451)
    assert "try again later" in first.error
    (second,) = transport.send_many(_messages(app, ["busy@example.org"]))
    assert second.outcome == "sent"
    assert [r for r, _ in sink.messages] == [["busy@example.org"]]


def test_a_550_fails_alone_with_the_reply_kept(app, smtp, client_context):
    sink, url = smtp
    sink.faults["gone@example.org"] = [550]
    results = _transport(url, client_context).send_many(
        _messages(app, ["a@example.org", "gone@example.org", "b@example.org"]))
    assert [r.outcome for r in results] == ["sent", "failed", "sent"]
    assert results[1].status == 550 and results[1].error == "550 5.1.1 no such user"
    assert [r for r, _ in sink.messages] == [["a@example.org"], ["b@example.org"]]


def test_a_dropped_connection_mid_batch_loses_nothing_and_sends_nothing_twice(
        app, smtp, client_context):
    sink, url = smtp
    sink.drop_once.add("t2@example.org")
    addresses = [f"t{i}@example.org" for i in range(5)]
    results = _transport(url, client_context).send_many(_messages(app, addresses))
    assert [r.outcome for r in results] == ["sent"] * 5
    assert sorted(r[0] for r, _ in sink.messages) == addresses  # each once
    assert sink.connections == 2


def test_no_server_makes_the_whole_batch_retry(app, client_context):
    from tests.mail.smtpsink import free_port

    results = _transport(f"smtp://127.0.0.1:{free_port()}", client_context).send_many(
        _messages(app, ["a@example.org", "b@example.org"]))
    assert [(r.outcome, r.status) for r in results] == [("retry", None)] * 2


@pytest.mark.parametrize("field", ["to", "subject", "name"])
def test_a_line_break_in_a_header_is_refused(app, field):
    values = {"to": "a@example.org", "subject": "Hello", "to_name": "Ann"}
    key = "to_name" if field == "name" else field
    values[key] = values[key] + "\r\nBcc: victim@example.org"
    with app.test_request_context(), pytest.raises(HeaderInjection):
        build(values["to"], values["subject"], "text", to_name=values["to_name"])


def test_mail_url_forms():
    assert parse_mail_url("smtps://u:p%40ss@mail.example.org").port == 465
    assert parse_mail_url("smtp+starttls://mail.example.org").port == 587
    assert parse_mail_url("smtp://mail.example.org:2525").port == 2525
    assert parse_mail_url("smtps://u:p%40ss@mail.example.org").password == "p@ss"
    with pytest.raises(ValueError):
        parse_mail_url("http://mail.example.org")


def test_the_embedded_outbox_writes_eml_files_listed_by_the_cli(app, mail_outbox):
    results = mail_outbox.send_many(_messages(app, ["a@example.org", "b@example.org"]))
    assert [r.outcome for r in results] == ["sent", "sent"]
    listed = mail_outbox.messages()
    assert [(m["to"], m["subject"]) for m in listed] == [("a@example.org", "Subject 0"),
                                                         ("b@example.org", "Subject 1")]
    assert mail_outbox.read(listed[1]["file"]).get_body(("html",)).get_content().strip() == \
        "<p>HTML 1</p>"
    output = app.test_cli_runner().invoke(args=["mail", "list"]).output
    assert "to b@example.org: Subject 1" in output and listed[1]["file"] in output


def test_direct_message_task_retries_a_451(app, app_mail):
    from server.mail.tasks import send_direct

    app_mail.faults["later@example.org"] = [451]
    with app.test_request_context():
        (_, message), = _messages(app, ["later@example.org"])
        send_direct.run(message.as_string())  # .run(): in this test's app, not the last built
    assert [r for r, _ in app_mail.messages] == [["later@example.org"]]


def test_file_outbox_is_the_default(app):
    from server.mail.outbox import transport

    with app.app_context():
        assert isinstance(transport(), FileOutbox)


@pytest.mark.parametrize(("name", "subject", "text"), [
    ("Traveler One", "[Severe] Stay indoors", "Avoid the parliament.\nStay tuned."),
    ("旅行者", "[严重] 请待在室内", "市中心有抗议活动，请避开议会周边。"),
    ("مسافر", "[شديد] ابقوا في منازلكم", "تجنبوا المنطقة المحيطة بالبرلمان."),
    ("O'Brien, Jr.", "[Severe] " + "a long headline that has to be folded " * 3, "x" * 2000),
])
def test_the_wire_form_is_the_standard_serialization_done_faster(app, name, subject, text):
    """``serialize`` gives each multipart a boundary and skips refolding the headers that fit
    on their line: the bytes are those of ``as_bytes(policy=SMTP)`` with the same boundary,
    and they parse back to the same message."""
    from email import message_from_bytes, policy

    from server.mail.transport import serialize

    with app.test_request_context():
        message = build("t@example.org", subject, text, f"<p>{text}</p>", to_name=name,
                        headers={"In-Reply-To": "<alert-1.user-2@compatriot.invalid>",
                                 "References": "<alert-1.user-2@compatriot.invalid>"})
    wire = serialize(message)
    assert message.get_boundary().startswith("=_")
    assert wire == message.as_bytes(policy=policy.SMTP)
    parsed = message_from_bytes(wire.replace(b"\r\n", b"\n"), policy=policy.default)
    assert parsed["Subject"] == subject and parsed["To"].addresses[0].display_name == name
    assert parsed.get_body(("plain",)).get_content().rstrip("\n") == text
    assert parsed.get_body(("html",)).get_content().rstrip("\n") == f"<p>{text}</p>"


def test_nested_multiparts_get_boundaries_of_their_own(app):
    from email import message_from_bytes, policy

    from server.mail.transport import serialize

    with app.test_request_context():
        message = build("t@example.org", "Roll call", "Are you safe?", "<p>Are you safe?</p>")
    message.add_attachment(b"BEGIN:VCARD\r\nEND:VCARD\r\n", maintype="text", subtype="vcard",
                           filename="mission.vcf")
    wire = serialize(message)
    outer, inner = message.get_boundary(), message.get_payload()[0].get_boundary()
    assert outer and inner and outer != inner
    assert wire == message.as_bytes(policy=policy.SMTP)
    parsed = message_from_bytes(wire.replace(b"\r\n", b"\n"), policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Are you safe?</p>"
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_filename() == "mission.vcf"
