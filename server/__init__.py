"""Compatriot: the consular-protection service (API, traveler PWA and staff console)."""
from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import config as settings


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: environment settings, then ``test_config`` on top; nothing runs at import.
    ``instance_path`` (else ``COMPATRIOT_INSTANCE_PATH``) holds the embedded database and the
    generated secrets."""
    app = Flask(__name__, instance_path=instance_path or settings.instance_path(),
                instance_relative_config=True, static_folder=None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(settings.Defaults)
    app.config.update(settings.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    from server.web.basemap import basemap

    basemap(app.config)  # a malformed basemap setting stops the app before anything is bound
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"],
                                x_proto=1, x_host=1)
    _init_extensions(app)
    from server.validation import install_converters

    install_converters(app)  # bounded <int:...> ids, before the routes use them
    _register_features(app)
    from server import cli, ratelimit

    ratelimit.install(app)  # after the routes: it limits them by endpoint

    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from server import db as db_module
    from server import errors
    from server.celery_app import init_celery
    from server.extensions import api, babel, csrf, db, login_manager, migrate
    from server.i18n import select_locale
    from server.openapi import AuthPlugin
    from server.web import boundary

    db.init_app(app)
    db_module.install_engine_hooks(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    api.init_app(app, spec_kwargs={"extra_plugins": [AuthPlugin(app)]})
    errors.install(app)
    init_celery(app)
    from server import auth, security

    auth.install(app)
    security.install(app)
    # Last registered, so its after_request runs first: when the commit fails it replaces the
    # response, and the CSRF cookie and security headers must go on that one (a new session's
    # token on a lost response would leave the client a token its session does not hold).
    boundary.install_request_boundary(app)


def _register_features(app: Flask) -> None:
    from server import staff
    from server.accounts import views as accounts
    from server.alerts import staff_views as alerts_staff  # noqa: F401  (on the staff blueprint)
    from server.alerts import views as alerts
    from server.audit import staff_views as audit_staff  # noqa: F401  (on the staff blueprint)
    from server.crisis import staff_views as crisis_staff  # noqa: F401  (staff blueprint)
    from server.crisis import views as crisis
    from server.devices import views as devices
    from server.embassies import views as embassies
    from server.extensions import api
    from server.hazards import staff_views as hazards_staff  # noqa: F401  (staff blueprint)
    from server.live import staff_views as live_staff  # noqa: F401  (staff blueprint)
    from server.places import staff_views as places_staff  # noqa: F401  (staff blueprint)
    from server.places import views as places
    from server.rollcall import staff_views as rollcall_staff  # noqa: F401  (staff blueprint)
    from server.rollcall import views as rollcall
    from server.sms import staff_views as sms_staff  # noqa: F401  (on the staff blueprint)
    from server.sms import views as sms
    from server.sos import staff_views as sos_staff  # noqa: F401  (routes on the staff blueprint)
    from server.sos import views as sos
    from server.staff import views as staff_views  # noqa: F401  (routes on the staff blueprint)
    from server.trips import views as trips
    from server.web import views as web

    for feature in (accounts, trips, embassies, places, devices, alerts, sos, rollcall, crisis,
                    sms, staff, web):
        api.register_blueprint(feature.blp)
    app.register_blueprint(web.pages)
