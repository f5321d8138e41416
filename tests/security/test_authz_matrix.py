"""Authorization matrix: every route of the app (method x rule, from its own url_map) against
every kind of caller, checked against RULES below.

A new endpoint without a rule here fails ``test_every_endpoint_has_a_rule``: declare who may
use it. "Deny" is 401 for an anonymous caller and 403/404 for a signed-in one (404 where the
object must not be revealed); "allow" is anything else below 500 (a 422 for an empty body is
an allow: the caller got past the door).

Objects: traveler A owns a trip (in France), a device, an SOS case (routed to mission X, which
covers France) and received an alert of mission X. Mission Y covers Germany only.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.alerts.models import Alert
from server.broadcast.models import Delivery, MessageArea, MessageText
from server.db import db, utcnow
from server.devices.models import Device
from server.sos.models import SosCase
from tests.auth import ApiClient
from tests.conftest import leg

ANON, A, B = "anonymous", "traveler A", "traveler B"
VIEWER, OFFICER_X, OFFICER_Y, ADMIN = "viewer X", "officer X", "officer Y", "admin"
CALLERS = (ANON, A, B, VIEWER, OFFICER_X, OFFICER_Y, ADMIN)

ANYONE = frozenset(CALLERS)
SIGNED_IN = ANYONE - {ANON}
OWNER = frozenset({A})  # objects of traveler A: everyone else gets 404 (or 401)
STAFF = frozenset({VIEWER, OFFICER_X, OFFICER_Y, ADMIN})
STAFF_ACT = frozenset({OFFICER_X, OFFICER_Y, ADMIN})
X_READ = frozenset({VIEWER, OFFICER_X, ADMIN})  # objects in mission X's jurisdiction
X_ACT = frozenset({OFFICER_X, ADMIN})
ADMIN_ONLY = frozenset({ADMIN})
# The SMS gateway's callbacks: a shared secret, never a session (every caller without it: 403).
SECRET = frozenset()
SECRET_ENDPOINTS = ("sms.Dlr", "sms.Mo")

# endpoint -> {method: who is allowed}; "*" applies to every method of the endpoint.
RULES: dict[str, dict[str, frozenset]] = {
    # public pages and reference data
    "pages.index": {"*": ANYONE},
    "pages.static_file": {"*": ANYONE},
    "pages.service_worker": {"*": ANYONE},
    "pages.console": {"*": ANYONE},  # the console shell; its API calls are the guarded part
    "pages.console_redirect": {"*": ANYONE},
    "pages.tile": {"*": ANYONE},  # basemap tiles from CONSOLE_TILES_DIR: no one's data
    "api-docs.openapi_json": {"*": ANYONE},
    "web.PublicConfig": {"*": ANYONE},
    "web.Catalog": {"*": ANYONE},
    "places.Countries": {"*": ANYONE},
    "places.Subdivisions": {"*": ANYONE},
    "places.EmergencyNumbers": {"*": ANYONE},
    "embassies.Missions": {"*": ANYONE},
    "embassies.MissionById": {"*": ANYONE},
    "embassies.Serving": {"*": ANYONE},
    "devices.PublicKey": {"*": ANYONE},
    "alerts.AlertCap": {"*": ANYONE},  # sent public alerts only
    "alerts.AlertFeed": {"*": ANYONE},
    # traveler accounts (staff have a profile too; staff sign in only at the console)
    "accounts.Signup": {"POST": ANYONE},
    "accounts.Login": {"POST": ANYONE},
    "accounts.ConfirmEmail": {"GET": ANYONE},  # the signed link is the credential
    "accounts.SignupConfirm": {"GET": ANYONE},  # the signed link is the credential
    "accounts.SignupResend": {"POST": ANYONE},
    "accounts.Forgot": {"POST": ANYONE},
    "accounts.Reset": {"POST": ANYONE},  # the signed link is the credential
    "accounts.Logout": {"POST": ANYONE},
    "accounts.Me": {"*": SIGNED_IN},
    "accounts.Export": {"*": SIGNED_IN},
    "accounts.Password": {"*": SIGNED_IN},
    "accounts.EmailChange": {"*": SIGNED_IN},
    "accounts.EmailConfirmResend": {"*": SIGNED_IN},
    # a traveler's own things: lists are per caller, objects only for their owner
    "trips.Trips": {"*": SIGNED_IN},
    "trips.TripById": {"*": OWNER},
    "devices.Devices": {"POST": SIGNED_IN},
    "devices.DeviceById": {"*": OWNER},
    "devices.DevicePosition": {"*": OWNER},
    "alerts.MyAlerts": {"*": SIGNED_IN},
    "alerts.MyAlert": {"*": OWNER},  # recipients only
    "alerts.AlertClick": {"*": OWNER},
    "sos.Cases": {"*": SIGNED_IN},
    "sos.CaseByUuid": {"*": OWNER},
    "sos.Positions": {"*": OWNER},
    "sos.Cancel": {"*": OWNER},
    # staff sign-in is open (it is the door); the rest needs a staff role and scope
    "staff.StaffLogin": {"POST": ANYONE},
    "staff.StaffEnrol": {"POST": ANYONE},
    "staff.StaffLogout": {"POST": ANYONE},  # ends a staff session; harmless otherwise
    "staff.StaffMe": {"*": STAFF},
    "staff.StaffUsers": {"*": ADMIN_ONLY},
    "staff.StaffUser": {"*": ADMIN_ONLY},
    "staff.StaffUserPassword": {"*": ADMIN_ONLY},
    "staff.TravelerSummary": {"*": STAFF},
    "staff.TravelerSearch": {"*": STAFF},
    "staff.TravelerRecord": {"*": X_READ},
    "staff.StaffAlerts": {"GET": STAFF, "POST": STAFF_ACT},
    "staff.StaffAlertRules": {"*": STAFF},
    "staff.StaffAlert": {"GET": X_READ, "PATCH": X_ACT},
    "staff.StaffAlertAudience": {"*": X_READ},
    "staff.StaffAlertApprove": {"*": X_ACT},
    "staff.StaffAlertRequestApproval": {"*": X_ACT},
    "staff.StaffAlertSendBack": {"*": X_ACT},
    "staff.StaffRollCallQuestion": {"*": STAFF},
    "staff.StaffAlertSend": {"*": X_ACT},
    "staff.StaffAlertCancel": {"*": X_ACT},
    "staff.StaffAlertDeliveries": {"*": X_READ},
    "staff.StaffAlertUnreached": {"*": X_READ},
    "staff.StaffAlertUnreachedCsv": {"*": X_READ},
    "staff.StaffCases": {"*": STAFF},
    "staff.StaffCase": {"GET": X_READ, "PATCH": X_ACT},
    "staff.AuditLog": {"*": ADMIN_ONLY},
    # roll calls: travelers answer the ones they were asked; staff of the mission run them
    "rollcalls.MyRollCalls": {"*": SIGNED_IN},
    "rollcalls.MyRollCall": {"*": OWNER},  # recipients only
    "rollcalls.Answer": {"*": OWNER},
    "rollcalls.EmailAnswer": {"*": ANYONE},  # the signed link is the credential (no session)
    "staff.StaffRollCalls": {"GET": STAFF, "POST": STAFF_ACT},
    "staff.StaffRollCallAudience": {"*": STAFF},
    "staff.StaffRollCall": {"*": X_READ},
    "staff.StaffRollCallRemind": {"*": X_ACT},
    "staff.StaffRollCallClose": {"*": X_ACT},
    "staff.StaffRollCallExport": {"*": X_READ},
    "staff.StaffRollCallEvacuation": {"*": X_READ},
    "staff.StaffRollCallEvacuationCsv": {"*": X_READ},
    "staff.StaffRollCallUnreached": {"*": X_READ},
    "staff.StaffRollCallUnreachedCsv": {"*": X_READ},
    "staff.PlaceSearch": {"*": STAFF},  # the gazetteer: no one's data
    "staff.PlaceCities": {"*": STAFF},
    # hazard events: seen by the staff whose jurisdiction they touch; drafts never send
    "staff.StaffEvents": {"*": STAFF},  # the live stream, scoped to the caller's mission
    "staff.StaffHazards": {"*": STAFF},
    "staff.StaffHazardBanner": {"*": STAFF},
    "staff.StaffHazard": {"*": X_READ},
    "staff.StaffHazardDraftAlert": {"*": X_ACT},
    "staff.StaffHazardDraftRollCall": {"*": X_READ},
    # SMS: my number's code; the gateway's callbacks; the inbox scoped like the SOS queue
    "sms.PhoneCode": {"*": SIGNED_IN},
    "sms.PhoneVerify": {"*": SIGNED_IN},
    "sms.Dlr": {"*": SECRET},
    "sms.Mo": {"*": SECRET},
    "staff.SmsInboxList": {"*": STAFF},
    "staff.SmsPreview": {"*": STAFF},
    # crisis sign-up: the page's unguessable address is the door (no account); staff of the
    # roll call's mission open and close it
    "crisis.Page": {"*": ANYONE},
    "crisis.Registrations": {"*": ANYONE},
    "crisis.RegistrationCode": {"*": ANYONE},  # the registration's client_uuid is the key
    "crisis.RegistrationCodeConfirm": {"*": ANYONE},
    "staff.StaffCrisisPage": {"GET": X_READ, "POST": X_ACT},
    "staff.StaffCrisisPageClose": {"*": X_ACT},
}

# Bodies that pass validation, so an object-scoped write reaches its ownership check.
BODIES = {
    ("staff.StaffAlertSendBack", "POST"): lambda o: {"comment": "Check the area."},
    ("devices.DevicePosition", "PUT"): lambda o: {"lat": 48.85, "lon": 2.35},
    ("sos.Positions", "POST"): lambda o: {"recorded_at": utcnow().isoformat(), "lat": 48.86,
                                          "lon": 2.34},
    ("staff.StaffCase", "PATCH"): lambda o: {"note": "Called the traveler."},
    ("sms.PhoneVerify", "POST"): lambda o: {"code": "123456"},
    ("staff.SmsPreview", "POST"): lambda o: {"texts": {"en": "Are you safe?"}},
    ("rollcalls.Answer", "POST"): lambda o: {"answer": "safe", "client_uuid": str(uuid.uuid4()),
                                             "answered_at": utcnow().isoformat()},
}
QUERIES = {"staff.TravelerSearch": "q=li", "embassies.Serving": "country=FR",
           "staff.PlaceCities": "south=42&west=-5&north=51&east=8"}


def allowed(endpoint: str, method: str) -> frozenset:
    rule = RULES[endpoint]
    return rule.get(method, rule.get("*"))


def routes(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) for every route, HEAD and OPTIONS aside."""
    return sorted(((rule.endpoint, method, rule) for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}),
                  key=lambda item: (item[2].rule, item[1]))


def test_every_endpoint_has_a_rule(app):
    missing = sorted({f"{method} {rule.rule} ({endpoint})" for endpoint, method, rule in routes(app)
                      if endpoint not in RULES or allowed(endpoint, method) is None})
    assert missing == [], "declare who may use these endpoints in RULES"
    stale = sorted(set(RULES) - {endpoint for endpoint, _, _ in routes(app)})
    assert stale == [], "rules for endpoints that no longer exist"


@pytest.fixture
def world(app, client, auth, create_trip, create_mission, monkeypatch, tmp_path):
    """The callers (signed-in clients) and the objects they reach for."""
    other_client = auth.client()
    import server.celery_app

    (tmp_path / "1" / "0").mkdir(parents=True)  # a basemap tile folder with one tile
    (tmp_path / "1" / "0" / "0.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setitem(app.config, "CONSOLE_TILES_DIR", str(tmp_path))

    # Sending, cancelling and acknowledging enqueue background work: not this test's subject.
    monkeypatch.setattr(server.celery_app, "enqueue", lambda *args, **kwargs: None)
    mission_x = create_mission("fr-paris", "FR", ("FR",))
    create_mission("de-berlin", "DE", ("DE",))
    a = auth.signup(client, name="Li Wei")
    auth.signup(other_client, name="Zhang Min")
    client.patch("/api/me", json={"location_consent": True})
    trip = create_trip(client, leg("FR", date.today() - timedelta(days=1), 10))
    sos = client.post("/api/sos", json={"client_uuid": str(uuid.uuid4()),
                                        "raised_at": utcnow().isoformat(), "lat": 48.85,
                                        "lon": 2.35, "trip_id": trip["id"]})
    assert sos.status_code == 201, sos.json
    device = Device(user_id=a["id"], endpoint=f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}",
                    p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
                    auth="tBHItJI5svbpez7KI4CCXg", language="en")
    db.session.add(device)
    now = utcnow()
    alert = Alert(identifier=str(uuid.uuid4()), embassy_id=mission_x.id, sender="x@example.org",
                  status="Actual", msg_type="Alert", category="Safety", event="Unrest",
                  urgency="Immediate", severity="Moderate", certainty="Observed",
                  effective=now, expires=now + timedelta(hours=6), state="sent", sent_at=now)
    alert.texts = [MessageText(language="en", headline="Stay indoors", description="Protests.")]
    alert.areas = [MessageArea(kind="country", code="FR")]
    db.session.add(alert)
    db.session.flush()
    db.session.add(Delivery(alert_id=alert.id, device_id=device.id, user_id=a["id"],
                            language="en", state="sent", sent_at=now))
    rollcall_id = _rollcall(mission_x.id, a["id"], device.id, now)
    case = db.session.scalar(select(SosCase).where(SosCase.client_uuid == sos.json["client_uuid"]))
    slug = _crisis_page(rollcall_id, case.client_uuid)
    event_id = _hazard_in_france(now)
    callers = {ANON: _anonymous(app), A: client, B: other_client}
    staff = {}
    for name, role, key in ((VIEWER, "viewer", "fr-paris"), (OFFICER_X, "officer", "fr-paris"),
                            (OFFICER_Y, "officer", "de-berlin"), (ADMIN, "admin", None)):
        callers[name], staff[name] = auth.staff(role, key)
    assert case.embassy_id == mission_x.id
    values = {"trip_id": trip["id"], "device_id": device.id, "alert_id": alert.id,
              "client_uuid": case.client_uuid, "case_id": case.id, "traveler_id": a["id"],
              "user_id": staff[VIEWER].id, "mission_id": mission_x.id, "locale": "en",
              "code": "FR", "filename": "manifest.webmanifest", "rollcall_id": rollcall_id,
              "event_id": event_id, "slug": slug, "z": 1, "x": 0, "y": 0}
    db.session.commit()  # into the test's outer transaction: every request sees it
    return callers, values


def _hazard_in_france(now) -> int:
    """An open earthquake near Paris (mission X's jurisdiction) from a feed."""
    from server.hazards.models import HazardEvent

    event = HazardEvent(feed="usgs", source_id="us-test-1", kind="earthquake", level="orange",
                        title="M 6.1 - near Paris", magnitude=6.1, lat=48.85, lon=2.35,
                        country="FR", effective=now, expires=now + timedelta(days=1),
                        areas=[{"kind": "circle", "lat": 48.85, "lon": 2.35, "radius_km": 100}],
                        cap={"category": "Geo", "urgency": "Immediate", "severity": "Severe",
                             "certainty": "Observed", "event": "Earthquake"})
    db.session.add(event)
    db.session.flush()
    return event.id


def _rollcall(mission_id: int, user_id: int, device_id: int, now) -> int:
    """An open roll call of mission X that asked traveler A."""
    from server.rollcall.models import RollCall, RollCallMessage, RollCallRecipient

    carrier = RollCallMessage(embassy_id=mission_id, msg_type="Alert", severity="Severe",
                              effective=now, expires=now + timedelta(hours=6), state="sent",
                              sent_at=now)
    carrier.texts = [MessageText(language="en", headline="Are you safe?",
                                 description="Are you safe?")]
    carrier.areas = [MessageArea(kind="country", code="FR")]
    rollcall = RollCall(embassy_id=mission_id, state="open", deadline=now + timedelta(hours=6),
                        last_pushed_at=now - timedelta(hours=1), reminders=0)
    rollcall.message = carrier
    db.session.add(rollcall)
    db.session.flush()
    db.session.add(RollCallRecipient(rollcall_id=rollcall.id, user_id=user_id,
                                     device_id=device_id, country="FR"))
    return rollcall.id


def _crisis_page(rollcall_id: int, client_uuid: str) -> str:
    """An open crisis page of that roll call, and a sign-up on it (its client_uuid the same
    string as the SOS case's, so one ``client_uuid`` value serves both kinds of URL)."""
    from server.crisis.models import CrisisPage, CrisisRegistration

    page = CrisisPage(rollcall_id=rollcall_id, slug="matrix-" + uuid.uuid4().hex)
    db.session.add(page)
    db.session.flush()
    db.session.add(CrisisRegistration(
        client_uuid=client_uuid, page_id=page.id, rollcall_id=rollcall_id, name="Amina",
        phone="+33612345678", place="Paris", answer="safe", language="en"))
    return page.slug


def _anonymous(app):
    app.test_client_class = ApiClient
    anonymous = app.test_client()
    anonymous.get("/api/config")  # the CSRF cookie: a refusal must be for want of a session
    return anonymous


def _url(app, endpoint, method, rule, values) -> str:
    adapter = app.url_map.bind("localhost")
    url = adapter.build(endpoint, {k: values[k] for k in rule.arguments}, method=method)
    query = QUERIES.get(endpoint)
    return f"{url}?{query}" if query else url


def _call(client, method, url, body):
    """One request whose effects are undone afterwards, cookies included (a sign-out, a
    deletion or a cancellation must not change what the next cell sees)."""
    connection = db.engines[None]
    cookies = dict(client._cookies)
    savepoint = connection.begin_nested()
    try:
        kwargs = {"json": body} if method in ("POST", "PUT", "PATCH", "DELETE") else {}
        return client.open(url, method=method, **kwargs)
    finally:
        savepoint.rollback()
        client._cookies.clear()
        client._cookies.update(cookies)


def test_authorization_matrix(app, world):
    callers, values = world
    problems = []
    for endpoint, method, rule in routes(app):
        url = _url(app, endpoint, method, rule, values)
        who = allowed(endpoint, method)
        body = BODIES.get((endpoint, method), lambda _o: {})(values)
        for name in CALLERS:
            status = _call(callers[name], method, url, body).status_code
            if status >= 500:
                problems.append(f"{name}: {method} {url} -> {status}")
            elif name in who and status in (401, 403, 404):
                problems.append(f"{name}: {method} {url} -> {status}, should be allowed")
            elif name not in who:
                expected = ((403,) if endpoint in SECRET_ENDPOINTS
                            else (401,) if name == ANON else (403, 404))
                if status not in expected:
                    problems.append(f"{name}: {method} {url} -> {status}, should be {expected}")
    assert not problems, "\n".join(problems)
