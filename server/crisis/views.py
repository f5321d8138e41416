"""The public side of a crisis page: no account, no session needed (rate-limited per client,
``server/ratelimit.py``)."""
from flask.views import MethodView

from server.crisis import blp, services, verify
from server.crisis.schemas import PublicPageOut, RegistrationIn, RegistrationOut
from server.idempotent import created_or_replayed
from server.sms.schemas import CodeIn

SLUG = "<string(maxlength=64):slug>"


@blp.route(f"/{SLUG}")
class Page(MethodView):
    @blp.response(200, PublicPageOut)
    def get(self, slug):
        """An open crisis page: the mission's question in my language (404 unknown, 410 closed)"""
        return services.public_page(slug)


@blp.route(f"/{SLUG}/registrations")
class Registrations(MethodView):
    @blp.arguments(RegistrationIn)
    @created_or_replayed(blp, RegistrationOut, created="The registration was stored.",
                         replayed="A resend of the same client_uuid: nothing changed.")
    def post(self, data, slug):
        """Sign up during the crisis: name, phone, where, safe or need help (no account)"""
        return services.register(slug, data)


@blp.route(f"/{SLUG}/registrations/<uuid:client_uuid>/phone-code")
class RegistrationCode(MethodView):
    @blp.response(202, RegistrationOut)
    def post(self, slug, client_uuid):
        """Send a 6-digit code by SMS to the phone of my registration"""
        return verify.send_code(slug, client_uuid)


@blp.route(f"/{SLUG}/registrations/<uuid:client_uuid>/phone-code/confirm")
class RegistrationCodeConfirm(MethodView):
    @blp.arguments(CodeIn)
    @blp.response(200, RegistrationOut)
    def post(self, data, slug, client_uuid):
        """Prove the phone of my registration with the code received"""
        return verify.confirm(slug, client_uuid, data["code"].strip())
