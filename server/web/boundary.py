"""The request is the unit of work: commit once at its end if it succeeded, else roll back."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, ServiceUnavailable

from server.db import db
from server.errors import error_response


def install_request_boundary(app) -> None:
    """The request is the unit of work: commit once if it succeeded, else roll back.

    A database that is briefly unavailable gives a 503 with Retry-After, never a 500; a row
    changed by a concurrent request since it was read (version counter) gives a 409.
    """
    def unavailable(exc):
        db.session.rollback()
        app.logger.warning("database unavailable: %s", exc)
        return error_response(ServiceUnavailable(retry_after=5))

    def conflict(exc):
        db.session.rollback()
        app.logger.info("concurrent update refused: %s", exc)
        return error_response(Conflict())

    @app.after_request
    def _commit(response):
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except OperationalError as exc:
            return unavailable(exc)
        except StaleDataError as exc:
            return conflict(exc)
        return response

    app.register_error_handler(OperationalError, unavailable)
    app.register_error_handler(StaleDataError, conflict)
