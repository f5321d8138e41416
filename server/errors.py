"""One error shape everywhere: ``{code, status, message, errors, error_codes}``, localized.

``errors`` maps each request location (``json``, ``query``...) to its fields and their
messages, exactly as marshmallow reports them, so a client can put each message next to
the field at fault. ``error_codes`` has the same tree with a machine-readable code per
message (``required``, ``unknown_country``...): a program tests the code, a person reads the
message.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_limiter.errors import RateLimitExceeded
from flask_smorest import Api, abort
from flask_smorest.error_handler import ErrorSchema
from flask_wtf.csrf import CSRFError
from marshmallow import fields
from werkzeug.exceptions import (
    Conflict,
    Forbidden,
    Gone,
    HTTPException,
    InternalServerError,
    NotFound,
    TooManyRequests,
    Unauthorized,
    UnprocessableEntity,
)

from server import refusals


def N_(message: str) -> str:
    """Mark a library's message for extraction; it is translated when the error is sent."""
    return message


# marshmallow's built-in messages, so the catalogs carry them.
LIBRARY_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Unknown field."),
    N_("Invalid value."),
    N_("Must be one of: {choices}."),
    N_("Invalid input."),
)

EMAIL_INVALID = N_("Enter an email address such as name@example.org.")
# The codes of marshmallow's own messages (the English text is what marshmallow gives).
LIBRARY_CODES = {
    EMAIL_INVALID: "invalid_email",
    "Missing data for required field.": "required",
    "Field may not be null.": "required",
    "Unknown field.": "unknown_field",
    "Must be one of: {choices}.": "not_a_choice",
}


class Coded(LazyString):
    """A message (translated when sent) with the machine-readable code sent beside it."""

    def __init__(self, code: str, message):
        super().__init__(lambda: str(message))
        self.code = code


def codes(value):
    """The ``error_codes`` tree for a (nested) marshmallow error structure."""
    if isinstance(value, dict):
        return {key: codes(item if isinstance(item, (dict, list, tuple)) else [item])
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [codes(item) for item in value]
    found = getattr(value, "code", None)
    if found:
        return found
    text = str(value) if value is not None else ""
    if text in LIBRARY_CODES:
        return LIBRARY_CODES[text]
    return "invalid_type" if text.startswith("Not a valid") else "invalid"


STATUS_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("This conflicts with the current state."),
    410: _l("This is no longer available."),
    413: _l("The request is too large."),
    415: _l("Send the request body as JSON."),
    422: _l("Some fields are not valid."),
    429: _l("Too many requests. Please wait and try again."),
    500: _l("Something went wrong on our side. Please try again."),
    503: _l("The service is briefly unavailable. Please try again."),
}
CSRF_MESSAGE = _l("Your security token is missing or expired. Reload the page and try again.")


def localize(value):
    """Translate every message in a (nested) marshmallow error structure."""
    if isinstance(value, dict):
        # marshmallow keeps a lazy (non-str) message as a bare value: always send a list.
        return {key: localize(item if isinstance(item, (dict, list, tuple)) else [item])
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [localize(item) for item in value]
    return gettext(str(value)) if value is not None else value


class ApiErrorSchema(ErrorSchema):
    error_codes = fields.Dict(metadata={
        "description": "The tree of `errors` with a machine-readable code in place of each "
                       "message: required, unknown_country, invalid_phone, too_long..."})


class LocalizedApi(Api):
    """flask-smorest's Api with its error handler localized and CSRF errors shaped like the rest."""

    ERROR_SCHEMA = ApiErrorSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        code = error.code or 500
        if isinstance(error, CSRFError):
            data = {"message": CSRF_MESSAGE, "errors": {"headers": {"X-CSRFToken": [CSRF_MESSAGE]}}}
        elif isinstance(error, RateLimitExceeded):
            from server.ratelimit import retry_after  # the limit's text is not for people

            data = {"headers": {"Retry-After": str(retry_after())}}
        message = data.get("message") or STATUS_MESSAGES.get(code) or error.name
        payload = {"code": code, "status": error.name, "message": localize(message)}
        errors = data.get("errors") or data.get("messages")
        if errors:
            payload["errors"] = localize(errors)
            payload["error_codes"] = codes(errors)
        if code >= 500:
            current_app.logger.error("%s on %s", code, error)
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        return payload, code, headers


def field_error(field: str, message, status: int = 422, location: str = "json"):
    """Abort with one message attached to one field, in the standard shape."""
    abort(status, errors={location: {field: [message]}})


REFUSAL_STATUS = {refusals.NotFound: NotFound, refusals.Forbidden: Forbidden,
                  refusals.Conflict: Conflict, refusals.Gone: Gone,
                  refusals.Invalid: UnprocessableEntity,
                  refusals.Unauthenticated: Unauthorized, refusals.Throttled: TooManyRequests}


def refusal_response(refusal: refusals.Refusal):
    """A service's refusal in the standard shape: its message, or the status's own message
    with the refusal's text at the field it names."""
    error = next(http for kind, http in REFUSAL_STATUS.items() if isinstance(refusal, kind))()
    data: dict = {}
    if refusal.field:
        data["errors"] = {refusal.location: {refusal.field: [refusal.message]}}
    else:
        if refusal.message is not None:
            data["message"] = refusal.message
        if refusal.errors:
            data["errors"] = refusal.errors
    if refusal.retry_after is not None:
        data["headers"] = {"Retry-After": str(refusal.retry_after)}
    error.data = data
    return error_response(error)


def error_response(error: HTTPException):
    """A full Flask response in the standard shape, for code outside the view layer."""
    from server.extensions import api

    return current_app.make_response(api.handle_http_exception(error))


def install(app: Flask) -> None:
    """Whatever else goes wrong is logged with its traceback and answered in the one shape
    (500), never Flask's HTML page; HTTP errors already have flask-smorest's handler."""

    app.register_error_handler(refusals.Refusal, refusal_response)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        current_app.logger.exception("unhandled %s on %s %s", type(exc).__name__,
                                     request.method, request.path)
        return error_response(InternalServerError(original_exception=exc))
