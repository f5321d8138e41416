"""Schema-driven fuzzing (schemathesis) of every operation in /api/openapi.json, signed in as a
traveler, as an officer and as an admin: no 5xx, and every response matches the documented
schema, status code and content type.

Bounded (a few examples per operation) so it stays in the default suite; raise
SCHEMA_FUZZ_EXAMPLES locally for a deeper run.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", 4))
# Signing out would end the session the rest of the run uses; sign-in and enrolment are
# rate-limited doors fuzzed by tests/test_bad_input_fuzz.py and the staff tests.
EXCLUDED = r"/(auth|staff/auth)/(logout|login|enrol)$"


@pytest.fixture(autouse=True)
def short_live_streams(app, monkeypatch):
    """The staff live stream stays open LIVE_STREAM_SECONDS (minutes): each example of it would
    wait that long for the end of its body. Its frames are what is checked, not its length."""
    monkeypatch.setitem(app.config, "LIVE_STREAM_SECONDS", 0.2)


def _auth(signed_in):
    cookies = {name: signed_in.get_cookie(name).value
               for name in ("compatriot_session", "remember_token", "csrf_token")
               if signed_in.get_cookie(name) is not None}
    return cookies, {"X-CSRFToken": cookies["csrf_token"]}


@pytest.fixture
def as_traveler(client, auth, create_trip):
    auth.signup(client)
    create_trip(client)
    return _auth(client)


@pytest.fixture
def as_officer(auth):
    return _auth(auth.staff("officer", "fr-paris")[0])


@pytest.fixture
def as_admin(auth):
    """Every mission's data and the admin-only operations (staff accounts)."""
    return _auth(auth.staff("admin")[0])


# What the API promises: never a 5xx, and every response (errors too) as documented. Whether a
# schema-valid body is accepted is not among them: rules such as "a valid phone number" or
# "in your jurisdiction" are checked by the server and answered with a documented 422/403.
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def _fuzz(app, auth) -> list[str]:
    """Run every operation's examples; returns the failures, one line each.

    The operations are driven here rather than with ``@schema.parametrize()``, whose pytest
    plugin does not run on pytest 9 (it sets ``Function._nodeid``)."""
    cookies, headers = auth
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app).exclude(
        path_regex=EXCLUDED)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        # Half the examples break the document on purpose (out-of-range ids, wrong types...):
        # those must be refused with a documented 4xx, never a 5xx.
        cases = st.one_of(operation.as_strategy(),
                          operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @FUZZ
        @given(case=cases)
        def run(case):
            # A fresh app context per request, as in production: in the test's own context
            # every call shared one ``g``, whose cached (anonymous) user answered 401 to all.
            with app.app_context():
                case.call_and_validate(cookies=cookies, headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure
            failures.append(f"{operation.label}: {exc}".splitlines()[0:12])
    return ["\n".join(lines) for lines in failures]


def test_as_a_traveler_no_server_errors_and_responses_match_the_schema(app, as_traveler):
    failures = _fuzz(app, as_traveler)
    assert not failures, "\n\n".join(failures)


def test_as_an_officer_no_server_errors_and_responses_match_the_schema(app, as_officer):
    failures = _fuzz(app, as_officer)
    assert not failures, "\n\n".join(failures)


def test_as_an_admin_no_server_errors_and_responses_match_the_schema(app, as_admin):
    failures = _fuzz(app, as_admin)
    assert not failures, "\n\n".join(failures)
