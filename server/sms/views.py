"""Phone verification for travelers, and the two URLs Kannel calls (delivery reports and
replies from phones), authenticated by ``SMS_CALLBACK_SECRET`` rather than a session."""
import hmac
from functools import wraps
from urllib.parse import parse_qs

from flask import current_app, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from server.accounts.schemas import UserOut
from server.auth import login_required
from server.errors import field_error
from server.sms import blp, inbound, services, verify
from server.sms.schemas import Accepted, CodeIn, DlrArgs, MoArgs

BAD_CHARSET = _l("This text cannot be read in the charset given.")


def callback(view):
    """Kannel's calls: 403 without the right secret (compared in constant time), before
    anything else is read; not 401, which asks a person to sign in. No session, no CSRF."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        secret = request.args.get("secret", "")
        expected = current_app.config["SMS_CALLBACK_SECRET"]
        if not secret or not hmac.compare_digest(secret.encode(), expected.encode()):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _text(args: dict) -> str:
    """The reply's text: Kannel sends UTF-8 (``mo-recode``), else the bytes in ``charset``."""
    charset = args["charset"].strip().upper().replace("_", "-")
    if charset in ("UTF-8", "UTF8", ""):
        return args["text"]
    query = request.query_string.decode("ascii", "replace")
    raw = parse_qs(query, encoding="latin-1").get("text", [""])[0].encode("latin-1")
    try:
        return raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        field_error("text", BAD_CHARSET, location="query")


@blp.route("/me/phone/code")
class PhoneCode(MethodView):
    decorators = [login_required]

    @blp.response(202, Accepted)
    @blp.alt_response(409, schema=ErrorSchema, description="The number is already verified.")
    @blp.alt_response(429, schema=ErrorSchema,
                      description="Too many codes asked for this account or number.")
    def post(self):
        """Send a 6-digit code by SMS to my phone number (valid 10 minutes)"""
        verify.send_code(current_user)
        return {"ok": True}


@blp.route("/me/phone/verify")
class PhoneVerify(MethodView):
    decorators = [login_required]

    @blp.arguments(CodeIn)
    @blp.response(200, UserOut)
    @blp.alt_response(429, schema=ErrorSchema,
                      description="Too many wrong codes: ask for a new one.")
    def post(self, data):
        """Prove my phone number with the code it received"""
        return verify.confirm(current_user, data["code"].strip())


@blp.route("/sms/dlr")
class Dlr(MethodView):
    decorators = [callback]

    @blp.arguments(DlrArgs, location="query")
    @blp.response(200, Accepted)
    @blp.alt_response(403, schema=ErrorSchema, description="No secret, or a wrong one.")
    def get(self, args):
        """A delivery report from the SMS gateway (Kannel's dlr-url)"""
        services.delivery_report(args["id"], args["status"], args["answer"], args["smsc_id"],
                                 args["delivery"])
        return {"ok": True}


@blp.route("/sms/mo")
class Mo(MethodView):
    decorators = [callback]

    @blp.arguments(MoArgs, location="query")
    @blp.response(200, Accepted)
    @blp.alt_response(403, schema=ErrorSchema, description="No secret, or a wrong one.")
    def get(self, args):
        """A text from a phone, passed on by the SMS gateway (Kannel's sms-service get-url)"""
        inbound.receive(args["id"], args["sender"], args["to"], _text(args))
        return {"ok": True}
