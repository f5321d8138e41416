"""Recipients read their alerts; anyone reads sent public alerts as CAP 1.2 or Atom."""
from flask import Response
from flask.views import MethodView
from flask_login import current_user

from server.alerts import blp, cap, inbox
from server.alerts.schemas import InboxAlertOut, ListArgs
from server.auth import login_required
from server.openapi import text_response


@blp.route("")
class MyAlerts(MethodView):
    decorators = [login_required]

    @blp.arguments(ListArgs(only=("before", "limit")), location="query")
    @blp.response(200, InboxAlertOut(many=True))
    def get(self, args):
        """Alerts sent to me, newest first, in my language"""
        return inbox.my_alerts(current_user, args["before"], args["limit"])


@blp.route("/<int:alert_id>")
class MyAlert(MethodView):
    decorators = [login_required]

    @blp.response(200, InboxAlertOut)
    def get(self, alert_id):
        """One alert sent to me, with its full text"""
        return inbox.my_alert(current_user, alert_id)


@blp.route("/<int:alert_id>/click")
class AlertClick(MethodView):
    decorators = [login_required]

    @blp.response(204)
    def post(self, alert_id):
        """Record that I opened the alert from its notification"""
        inbox.record_click(current_user, alert_id)


@blp.route("/<int:alert_id>.cap")
class AlertCap(MethodView):
    @blp.doc(responses=text_response("application/cap+xml", "CAP 1.2 XML"))
    def get(self, alert_id):
        """A sent Actual or Exercise alert as CAP 1.2 XML"""
        return Response(cap.cap_xml(inbox.public_alert(alert_id)),
                        mimetype="application/cap+xml")


@blp.route("/feed.atom")
class AlertFeed(MethodView):
    @blp.doc(responses=text_response("application/atom+xml", "Atom feed of CAP alerts"))
    def get(self):
        """Recent sent public alerts, each linking to its CAP document"""
        return Response(cap.atom_feed(inbox.recent_public()), mimetype="application/atom+xml")
