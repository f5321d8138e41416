"""The OpenAPI document describes authentication truthfully and the content of every answer."""
import re

import pytest

UUID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").json


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_the_session_cookie_and_the_csrf_header_are_security_schemes(app, spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["sessionCookie"] == {**schemes["sessionCookie"], "type": "apiKey",
                                        "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}
    assert schemes["csrfHeader"] == {**schemes["csrfHeader"], "type": "apiKey", "in": "header",
                                     "name": "X-CSRFToken"}


def test_every_operation_says_how_to_authenticate(spec):
    for path, method, operation in _operations(spec):
        schemes = {name for requirement in operation["security"] for name in requirement}
        if method in ("post", "put", "patch", "delete"):
            assert "csrfHeader" in schemes, (method, path)
        else:
            assert "csrfHeader" not in schemes, (method, path)


def test_every_declared_answer_has_a_content_type_and_a_schema(spec):
    responses = spec["components"]["responses"]
    for path, method, operation in _operations(spec):
        for status, response in operation["responses"].items():
            response = responses[response["$ref"].rsplit("/", 1)[1]] if "$ref" in response \
                else response
            if status == "204":
                assert "content" not in response, (method, path)
                continue
            if status.startswith("3"):  # a redirect says where to, in its Location header
                assert "Location" in response.get("headers", {}), (method, path, status)
                continue
            assert response.get("content"), (method, path, status)
            for media_type, content in response["content"].items():
                assert content.get("schema"), (method, path, status, media_type)


def test_export_is_documented_as_json_with_its_schema(spec):
    answer = spec["paths"]["/api/me/export"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ExportOut"}


def test_signed_in_operations_are_exactly_those_refusing_anonymous_callers(client, spec):
    """Each operation called without signing in (the CSRF token sent): 401 exactly where the
    document asks for the session cookie."""
    wrong = []
    for path, method, operation in _operations(spec):
        url = re.sub(r"\{client_uuid\}", UUID, path)
        url = re.sub(r"\{locale\}", "en", re.sub(r"\{\w+\}", "1", url))
        answer = getattr(client, method)(url, json={}) if method != "get" else client.get(url)
        signed_in = any("sessionCookie" in requirement for requirement in operation["security"])
        if (answer.status_code == 401) != signed_in:
            wrong.append(f"{method.upper()} {path}: {answer.status_code}, documented "
                         f"{'signed-in' if signed_in else 'public'}")
    assert not wrong, "\n".join(wrong)
