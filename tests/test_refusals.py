"""Services refuse without HTTP (server/refusals.py); only the web layer gives them a status."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from server import refusals
from server.embassies import services as embassies
from server.errors import refusal_response

SERVER = Path(__file__).resolve().parent.parent / "server"


def test_a_service_called_outside_a_request_raises_a_refusal(app):
    """A task or the CLI gets the refusal itself, not an HTTP exception to unpick."""
    with app.app_context(), pytest.raises(refusals.NotFound):
        embassies.get_mission(2**31 - 1)


def test_no_service_speaks_http():
    offenders = [str(path.relative_to(SERVER)) for path in SERVER.glob("*/services.py")
                 if re.search(r"\babort\(|flask_smorest import abort", path.read_text())]
    assert offenders == []


@pytest.mark.parametrize(("refusal", "status", "body"), [
    (refusals.NotFound(), 404, {"message": "Not found."}),
    (refusals.Conflict("Closed."), 409, {"message": "Closed."}),
    (refusals.Invalid("Too long.", field="text", location="query"), 422,
     {"message": "Some fields are not valid.", "errors": {"query": {"text": ["Too long."]}}}),
    (refusals.Forbidden("Not yours.", errors={"json": {"areas": {"0": ["Outside."]}}}), 403,
     {"message": "Not yours.", "errors": {"json": {"areas": {"0": ["Outside."]}}}}),
    (refusals.Unauthenticated("Sign in."), 401, {"message": "Sign in."}),
])
def test_each_refusal_has_its_status_and_the_one_error_shape(app, refusal, status, body):
    with app.test_request_context("/api/anything"):
        response = refusal_response(refusal)
    assert response.status_code == status
    assert {key: response.json[key] for key in body} == body
    assert response.json["code"] == status


def test_a_throttled_refusal_says_when_to_try_again(app):
    with app.test_request_context("/api/anything"):
        response = refusal_response(refusals.Throttled("Wait.", retry_after=120))
    assert response.status_code == 429 and response.headers["Retry-After"] == "120"
