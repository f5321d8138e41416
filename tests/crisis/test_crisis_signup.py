"""Crisis sign-up: staff open a public page from a roll call; a visitor with no account signs
up on it (validated, idempotent, rate-limited), joins the roll call's dashboard, and "I need
help" opens one unverified SOS case for the mission; a closed page is 410, an unknown one 404."""
from __future__ import annotations

from sqlalchemy import func, select

from server.audit.models import AuditEvent
from server.crisis.models import CrisisPage, CrisisRegistration
from server.db import db
from server.sos.models import SosCase
from tests.crisis.conftest import registration_body


def _register(client, page, body, **kwargs):
    return client.post(f"/api/crisis/{page['slug']}/registrations", json=body, **kwargs)


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_staff_open_a_page_with_an_unguessable_public_address(crisis_page, app):
    staff, rollcall, page = crisis_page()
    assert len(page["slug"]) >= 40 and page["open"] is True
    assert page["url"] == f"{app.config['PUBLIC_URL']}/#/crisis/{page['slug']}"
    assert page["closes_at"] == rollcall["deadline"]
    again = staff.post(f"/api/staff/rollcalls/{rollcall['id']}/crisis-page")
    assert again.status_code == 200 and again.json["slug"] == page["slug"]
    assert staff.get(f"/api/staff/rollcalls/{rollcall['id']}/crisis-page").json["id"] == page["id"]
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "crisis.open", AuditEvent.target_id == str(page["id"])))


def test_another_missions_officer_and_viewers_cannot_open_or_close_it(crisis_page, auth):
    _staff, rollcall, _page = crisis_page()
    berlin, _ = auth.staff("officer", "de-berlin")
    viewer, _ = auth.staff("viewer", "fr-paris")
    url = f"/api/staff/rollcalls/{rollcall['id']}/crisis-page"
    assert berlin.post(url).status_code == 404
    assert berlin.get(url).status_code == 404
    assert berlin.post(url + "/close").status_code == 404
    assert viewer.post(url).status_code == 403
    assert viewer.get(url).status_code == 200
    assert berlin.get(f"/api/staff/rollcalls/{rollcall['id']}").status_code == 404


def test_a_visitor_sees_the_question_in_their_language(crisis_page, client):
    _staff, _rollcall, page = crisis_page()
    shown = client.get(f"/api/crisis/{page['slug']}", headers={"Accept-Language": "zh-CN"})
    assert shown.status_code == 200
    assert shown.json["question"] == "该地区发生地震。您安全吗？"
    assert shown.json["mission"] and shown.json["hotline"]


def test_a_signed_out_visitor_joins_the_roll_call_dashboard(crisis_page, client):
    staff, rollcall, page = crisis_page()
    body = registration_body(lat=48.85, lon=2.35, accuracy=30)
    response = _register(client, page, body, headers={"Accept-Language": "ar"})
    assert response.status_code == 201, response.json
    assert response.json["phone"] == "+33612345678"
    assert response.json["phone_display"] == "+33 6 12 34 56 78"
    assert response.json["phone_verified"] is False and response.json["help_requested"] is False

    board = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json
    crisis = board["crisis"]
    assert crisis["totals"] == {"registrations": 1, "safe": 1, "help": 0, "phone_verified": 0}
    [person] = crisis["registrations"]
    assert person["name"] == "Amina Haddad" and person["place"] == "Hotel Lutetia, Paris"
    assert person["answer"] == "safe" and person["language"] == "ar"
    assert person["registered_during_crisis"] is True and person["phone_verified"] is False
    assert (person["lat"], person["lon"]) == (48.85, 2.35)
    assert crisis["page"]["slug"] == page["slug"]
    assert board["totals"]["recipients"] == 0  # they were not asked: counted beside, not in


def test_a_resent_form_is_stored_once(crisis_page, client, auth):
    other_client = auth.client()
    _staff, _rollcall, page = crisis_page()
    body = registration_body()
    assert _register(client, page, body).status_code == 201
    replay = _register(client, page, {**body, "name": "Someone else"})
    assert replay.status_code == 200 and replay.json["name"] == "Amina Haddad"
    assert _count(CrisisRegistration) == 1
    # The same identifier on another crisis page is a client bug, not a replay.
    _s2, _r2, other_page = crisis_page("de-berlin", {"kind": "country", "code": "DE"})
    clash = _register(other_client, other_page, body)
    assert clash.status_code == 409 and "client_uuid" in clash.json["errors"]["json"]


def test_bad_input_names_each_field_in_the_visitors_language_and_stores_nothing(
        crisis_page, client):
    _staff, _rollcall, page = crisis_page()
    bad = _register(client, page, registration_body(
        name=" ", phone="12", place="", answer="maybe", lat=91))
    assert bad.status_code == 422
    errors, codes = bad.json["errors"]["json"], bad.json["error_codes"]["json"]
    assert set(errors) >= {"name", "phone", "place", "answer", "lat"}
    assert errors["name"] == ["Enter your name."]
    assert codes["name"] == ["required"] and codes["phone"] == ["invalid_phone"]
    missing = _register(client, page, {"client_uuid": registration_body()["client_uuid"]},
                        headers={"Accept-Language": "ar"})
    assert missing.status_code == 422
    arabic = missing.json["errors"]["json"]
    assert arabic["name"] != ["Enter your name."] and arabic["answer"] != [
        "Choose “I am safe” or “I need help”."]
    assert _count(CrisisRegistration) == 0


def test_i_need_help_opens_one_unverified_sos_case_for_the_mission(crisis_page, client):
    staff, rollcall, page = crisis_page()
    body = registration_body("help", message="My son is hurt.", lat=48.86, lon=2.34)
    created = _register(client, page, body)
    assert created.status_code == 201 and created.json["help_requested"] is True
    assert _register(client, page, body).status_code == 200
    assert _count(SosCase) == 1
    queue = staff.get("/api/staff/sos").json
    [case] = queue
    assert case["unverified"] is True and case["routed_by"] == "crisis"
    assert case["traveler"]["name"] == "Amina Haddad"
    assert case["traveler"]["phone"] == "+33612345678"
    assert case["traveler"]["unverified"] is True
    assert case["traveler"]["account_deleted"] is False
    assert "My son is hurt." in case["message"] and "Hotel Lutetia" in case["message"]
    assert case["country"] == "FR"
    board = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json["crisis"]
    assert board["totals"]["help"] == 1
    assert board["registrations"][0]["sos_case_id"] == case["id"]


def test_a_closed_page_is_gone_and_an_unknown_one_not_found(crisis_page, client):
    staff, rollcall, page = crisis_page()
    url = f"/api/staff/rollcalls/{rollcall['id']}/crisis-page"
    closed = staff.post(url + "/close")
    assert closed.status_code == 200 and closed.json["open"] is False
    assert staff.post(url + "/close").status_code == 409
    for response in (client.get(f"/api/crisis/{page['slug']}"),
                     _register(client, page, registration_body())):
        assert response.status_code == 410
        assert response.json["code"] == 410 and response.json["status"] == "Gone"
        assert "closed" in response.json["message"]
    unknown = client.get("/api/crisis/" + "x" * 43)
    assert unknown.status_code == 404 and unknown.json["code"] == 404
    assert _count(CrisisRegistration) == 0
    # Staff may open a new one (a new address) while the roll call is open.
    reopened = staff.post(url)
    assert reopened.status_code == 201 and reopened.json["slug"] != page["slug"]


def test_the_page_closes_with_its_roll_call(crisis_page, client):
    staff, rollcall, page = crisis_page()
    assert staff.post(f"/api/staff/rollcalls/{rollcall['id']}/close").status_code == 200
    assert client.get(f"/api/crisis/{page['slug']}").status_code == 410
    assert staff.get(f"/api/staff/rollcalls/{rollcall['id']}/crisis-page").json["open"] is False
    assert staff.post(f"/api/staff/rollcalls/{rollcall['id']}/crisis-page").status_code == 409


def test_the_page_closes_at_the_roll_calls_deadline(crisis_page, client):
    from datetime import timedelta

    from sqlalchemy import update

    from server.db import utcnow
    from server.rollcall.models import RollCall

    _staff, rollcall, page = crisis_page()
    db.session.execute(update(RollCall).where(RollCall.id == rollcall["id"])
                       .values(deadline=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(f"/api/crisis/{page['slug']}").status_code == 410


def test_sign_ups_are_rate_limited_per_client(crisis_page, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_CRISIS_SIGNUP", "3 per minute")
    _staff, _rollcall, page = crisis_page()
    statuses = [_register(client, page, registration_body()).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    other = _register(client, page, registration_body(),
                      environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 201
    assert _count(CrisisRegistration) == 4


def test_the_phone_is_verified_by_a_code_and_staff_see_it(crisis_page, client, outbox):
    import re

    staff, rollcall, page = crisis_page()
    body = registration_body()
    _register(client, page, body, headers={"Accept-Language": "ar"})
    base = f"/api/crisis/{page['slug']}/registrations/{body['client_uuid']}/phone-code"
    assert client.post(base).status_code == 202
    sent = outbox.messages()[-1]
    assert sent["to"] == "+33612345678"
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sent["text"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(base + "/confirm", json={"code": wrong})
    assert refused.status_code == 422 and "code" in refused.json["errors"]["json"]
    confirmed = client.post(base + "/confirm", json={"code": code})
    assert confirmed.status_code == 200 and confirmed.json["phone_verified"] is True
    crisis = staff.get(f"/api/staff/rollcalls/{rollcall['id']}").json["crisis"]
    assert crisis["totals"]["phone_verified"] == 1
    assert crisis["registrations"][0]["phone_verified"] is True
    # Another page's slug does not reach this registration.
    assert client.post(f"/api/crisis/{'y' * 43}/registrations/{body['client_uuid']}"
                       "/phone-code").status_code == 404


def test_only_one_page_row_per_opening(crisis_page):
    crisis_page()
    assert _count(CrisisPage) == 1


def test_a_sign_ups_position_is_forgotten_after_the_roll_call_closed(crisis_page, client):
    from datetime import timedelta

    from server import retention
    from server.db import utcnow

    staff, rollcall, page = crisis_page()
    _register(client, page, registration_body(lat=48.85, lon=2.35))
    staff.post(f"/api/staff/rollcalls/{rollcall['id']}/close")
    later = utcnow() + timedelta(hours=49)
    retention.apply(now=later)
    db.session.expire_all()
    row = db.session.scalar(select(CrisisRegistration))
    assert (row.lat, row.lon, row.accuracy) == (None, None, None)
    assert row.place == "Hotel Lutetia, Paris"  # the sign-up stays, the position goes
