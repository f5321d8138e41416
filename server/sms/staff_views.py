"""SMS for staff, on the staff blueprint: replies from phones, and what a text would cost."""
from flask import current_app
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

from server.db import db
from server.sms.encoding import cost_preview
from server.sms.models import SmsInbox
from server.sms.schemas import InboxArgs, InboxOut, PreviewIn, PreviewOut
from server.staff import blp, scope


def inbox(user, limit: int, before_id: int | None) -> list[SmsInbox]:
    """Texts from phones, newest first: my mission's (a roll call's, or the sender's trip's);
    an admin's: all, with those from unknown numbers, which belong to no mission."""
    query = select(SmsInbox).where(scope.mission_filter(user, SmsInbox.embassy_id))
    if before_id:
        query = query.where(SmsInbox.id < before_id)
    return list(db.session.scalars(query.order_by(SmsInbox.id.desc()).limit(limit)))


@blp.route("/sms/inbox")
class SmsInboxList(MethodView):
    decorators = [scope.require_staff()]

    @blp.arguments(InboxArgs, location="query")
    @blp.response(200, InboxOut(many=True))
    def get(self, args):
        """Texts received from phones (answers, SOS, anything else), newest first"""
        return inbox(current_user, args["limit"], args["before_id"])


@blp.route("/sms/preview")
class SmsPreview(MethodView):
    decorators = [scope.require_staff()]

    @blp.arguments(PreviewIn)
    @blp.response(200, PreviewOut)
    def post(self, data):
        """What a text costs by SMS: per language its encoding, segments and message count"""
        limit = current_app.config["SMS_MAX_SEGMENTS"]
        return {**cost_preview(data["texts"], data["recipients"], limit, data["link"]),
                "max_segments": limit}
