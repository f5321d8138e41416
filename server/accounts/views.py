from flask import jsonify, redirect, request
from flask.views import MethodView
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_smorest.error_handler import ErrorSchema

from server.accounts import blp, email, pages, privacy, recovery, services, signup
from server.accounts.schemas import (
    EmailChangeIn,
    ExportOut,
    ForgotIn,
    LoginIn,
    PasswordChangeIn,
    PasswordConfirmIn,
    ProfilePatch,
    ResetIn,
    SignupAccepted,
    SignupIn,
    SignupResendIn,
    UserOut,
)
from server.auth import begin_session, end_session, login_required
from server.db import db, write_transaction
from server.sms.schemas import Accepted

CONFIRMATION_SENT = {"status": "confirmation_sent"}
# The sign-up link opened again (or first by a mail scanner): the account is there.
ACCOUNT_MADE = _l("This link was already used: your account exists. Sign in with your email "
                  "address and password.")


@blp.route("/auth/signup")
class Signup(MethodView):
    @blp.arguments(SignupIn)
    @blp.response(202, SignupAccepted)
    @blp.alt_response(429, schema=ErrorSchema, description="Too many sign-ups.")
    def post(self, data):
        """Sign up as a traveler: the account is created once the link mailed to the address
        is opened (the same answer whether or not the address already has an account)"""
        signup.sign_up(**data)
        return CONFIRMATION_SENT


@blp.route("/auth/signup/resend")
class SignupResend(MethodView):
    @blp.arguments(SignupResendIn)
    @blp.response(202, SignupAccepted)
    @blp.alt_response(429, schema=ErrorSchema, description="Too many asked for.")
    def post(self, data):
        """Mail the sign-up's confirmation link again (the same answer for any address)"""
        signup.resend(data["email"])
        return CONFIRMATION_SENT


@blp.route("/auth/signup/confirm")
class SignupConfirm(MethodView):
    @blp.response(302, description="Account created and signed in: to the app (`/#/trips`).",
                  headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(400, content_type="text/html", schema={"type": "string"},
                      description="The link is tampered with, expired or used (a page).")
    def get(self):
        """Open the sign-up link from the email: the account is created and this browser
        signed in"""
        write_transaction()  # a GET that writes: the write lock first, like any write
        try:
            user = signup.confirm(request.args.get("token", ""))
        except email.LinkRefused as refused:
            return pages.refused_link(refused.reason, pages.link_language(), used=ACCOUNT_MADE)
        db.session.commit()
        begin_session(user, remember=True)
        return redirect("/#/trips", code=302)


@blp.route("/auth/email/confirm")
class ConfirmEmail(MethodView):
    @blp.response(200, {"type": "string"}, content_type="text/html")
    @blp.alt_response(400, content_type="text/html", schema={"type": "string"},
                      description="The link is tampered with, expired or used (a page).")
    def get(self):
        """Open the confirmation link from the email: a page in the link's language"""
        language = pages.link_language()
        write_transaction()
        try:
            email.confirm(request.args.get("token", ""))
        except email.LinkRefused as refused:
            return pages.refused_link(refused.reason, language)
        db.session.commit()
        with force_locale(language):
            return pages.page(_("Email address confirmed"),
                              _("Thank you: alerts can now reach you by email."), language)


@blp.route("/me/email")
class EmailChange(MethodView):
    decorators = [login_required]

    @blp.arguments(EmailChangeIn)
    @blp.response(202, UserOut)
    def post(self, data):
        """Change my email address: it replaces the old one once its link is opened"""
        return email.request_change(current_user, data["email"])


@blp.route("/me/email/confirm")
class EmailConfirmResend(MethodView):
    decorators = [login_required]

    @blp.response(202, Accepted)
    @blp.alt_response(409, schema=ErrorSchema, description="The address is already confirmed.")
    @blp.alt_response(429, schema=ErrorSchema, description="Too many links asked for.")
    def post(self):
        """Send the confirmation link again (to the pending new address if there is one)"""
        email.resend(current_user)
        return {"ok": True}


@blp.route("/auth/forgot")
class Forgot(MethodView):
    @blp.arguments(ForgotIn)
    @blp.response(202, Accepted)
    @blp.alt_response(429, schema=ErrorSchema, description="Too many asked for.")
    def post(self, data):
        """Ask for a password reset link by email (the same answer whether or not the
        address has an account)"""
        recovery.request_reset(data["email"])
        return {"ok": True}


@blp.route("/auth/reset")
class Reset(MethodView):
    @blp.arguments(ResetIn)
    @blp.response(204)
    def post(self, data):
        """Set a new password with the link from the email; every session of the account ends"""
        recovery.reset(data["token"], data["password"])


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginIn)
    @blp.response(200, UserOut)
    def post(self, data):
        """Sign in with email and password"""
        user = services.sign_in(data["email"], data["password"])
        begin_session(user, remember=True)
        return user


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self):
        """Sign out (every copy of this session stops working)"""
        services.sign_out(current_user)


@blp.route("/me")
class Me(MethodView):
    decorators = [login_required]

    @blp.response(200, UserOut)
    def get(self):
        """The signed-in user's profile"""
        return current_user

    @blp.arguments(ProfilePatch)
    @blp.response(200, UserOut)
    def patch(self, changes):
        """Change name, phone, language or location-sharing consent"""
        return services.update_profile(current_user, changes)

    @blp.arguments(PasswordConfirmIn)
    @blp.response(204)
    def delete(self, data):
        """Delete my account and everything tied to it (password required)"""
        services.delete_account(current_user, data["password"])
        end_session()


@blp.route("/me/password")
class Password(MethodView):
    decorators = [login_required]

    @blp.arguments(PasswordChangeIn)
    @blp.response(204)
    def post(self, data):
        """Change my password; every other session is signed out"""
        services.change_password(current_user, data["current_password"], data["new_password"])
        # This session carries on with the new token (the proxy itself must not be stored).
        login_user(current_user._get_current_object(), remember=True)


@blp.route("/me/export")
class Export(MethodView):
    decorators = [login_required]

    @blp.response(200, ExportOut)
    def get(self):
        """Everything the service holds about me, as JSON"""
        data = privacy.export_user_data(current_user, UserOut().dump(current_user))
        response = jsonify(data)
        response.headers["Content-Disposition"] = 'attachment; filename="compatriot-export.json"'
        return response
