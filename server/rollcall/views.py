"""Travelers: the roll calls I was asked (for the in-app prompt) and my answer."""
from flask import request
from flask.views import MethodView
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from server.accounts import pages
from server.auth import login_required
from server.extensions import csrf
from server.idempotent import created_or_replayed
from server.rollcall import answers, blp, links
from server.rollcall.schemas import AnswerIn, AnswerOut, MyRollCallOut


@blp.route("")
class MyRollCalls(MethodView):
    decorators = [login_required]

    @blp.response(200, MyRollCallOut(many=True))
    def get(self):
        """Open roll calls I was asked, newest first, with my latest answer"""
        return answers.my_rollcalls(current_user)


@blp.route("/<int:rollcall_id>")
class MyRollCall(MethodView):
    decorators = [login_required]

    @blp.response(200, MyRollCallOut)
    def get(self, rollcall_id):
        """One roll call I was asked (open or closed)"""
        return answers.my_rollcall(current_user, rollcall_id)


@blp.route("/<int:rollcall_id>/answer")
class Answer(MethodView):
    decorators = [login_required]

    @blp.arguments(AnswerIn)
    @created_or_replayed(blp, AnswerOut, created="The answer was recorded.",
                         replayed="A replay of the same client_uuid: nothing changed.")
    def post(self, data, rollcall_id):
        """Answer "safe" or "help" (idempotent per client_uuid; the latest answered_at wins)"""
        return answers.answer(current_user, rollcall_id, data)


def _refused(reason: str, language: str):
    if reason != "closed":
        return pages.refused_link(reason, language)
    with force_locale(language):
        return pages.page(_("This roll call is closed"),
                          _("Answers are no longer taken here. If you need help, call the "
                            "consular hotline or use the SOS button in the app."), language, 409)


def _answered(answer: str, language: str, created: bool):
    with force_locale(language):
        if not created:
            return pages.page(_("Thank you"), _("Your answer was already recorded."), language)
        if answer == "help":
            return pages.page(_("Your call for help was sent"),
                              _("Your mission was told that you need help. Keep your phone "
                                "with you: staff will contact you."), language)
        return pages.page(_("Thank you"), _("Your answer was recorded: you are safe."),
                          language)


@blp.route("/<int:rollcall_id>/email-answer")
class EmailAnswer(MethodView):
    """The one-tap links of a roll-call email (``server/rollcall/links.py``): no session, the
    signed token is the credential."""

    @blp.response(200, {"type": "string"}, content_type="text/html")
    @blp.alt_response(400, content_type="text/html", schema={"type": "string"},
                      description="The link is tampered with, expired or not for this roll "
                                  "call (a page).")
    @blp.alt_response(409, content_type="text/html", schema={"type": "string"},
                      description="The roll call is closed (a page).")
    def get(self, rollcall_id):
        """Open an answer link from a roll-call email: a page with one button that sends the
        answer (opening it records nothing: mail scanners open links too)"""
        language = pages.link_language()
        token = request.args.get("token", "")
        try:
            rollcall, user, answer = links.read(rollcall_id, token)
        except links.LinkRefused as refused:
            return _refused(refused.reason, language)
        if links.already_recorded(rollcall, user, answer):
            return _answered(answer, language, created=False)
        with force_locale(language):
            label = _("I am safe") if answer == "safe" else _("I need help")
            form = Markup('<form method="post" action="?lang={}">'
                          '<input type="hidden" name="token" value="{}">'
                          '<p><button type="submit">{}</button></p></form>').format(
                language, token, label)
            return pages.page(_("Are you safe?"),
                              _("Press the button to send your answer."), language, form=form)

    @blp.response(200, {"type": "string"}, content_type="text/html")
    @blp.alt_response(400, content_type="text/html", schema={"type": "string"},
                      description="The link is tampered with, expired or not for this roll "
                                  "call (a page); nothing is stored.")
    @blp.alt_response(409, content_type="text/html", schema={"type": "string"},
                      description="The roll call is closed (a page); nothing is stored.")
    def post(self, rollcall_id):
        """Send the answer of a roll-call email's link (form field `token`); idempotent, and
        "I need help" opens an SOS case as in the app"""
        language = pages.link_language()
        try:
            _user, answer, created = links.record(rollcall_id, request.form.get("token", ""))
        except links.LinkRefused as refused:
            return _refused(refused.reason, language)
        return _answered(answer, language, created)


# The token in the form is the credential, not an ambient cookie: a cross-site form could
# only send it by having the link, which is the credential itself.
csrf.exempt(EmailAnswer)
