"""Staff: draft, preview, approve, send, cancel and follow alerts (on the staff blueprint)."""
from flask import Response
from flask.views import MethodView
from flask_login import current_user

from server.alerts import approval, inbox, services
from server.alerts.models import TWO_PERSON_SEVERITIES
from server.alerts.schemas import (
    ALERT_FIELDS,
    AlertIn,
    AlertOut,
    AlertRulesOut,
    AudienceOut,
    DeliveryStatsOut,
    ListArgs,
    SendBackIn,
)
from server.broadcast import audience
from server.broadcast.schemas import UnreachedOut
from server.openapi import text_response
from server.staff import blp
from server.staff.scope import require_staff

READ = require_staff("viewer", "officer", "admin")
ACT = require_staff("officer", "admin")
CSV = text_response("text/csv", "CSV (UTF-8 with BOM)")


@blp.route("/alerts")
class StaffAlerts(MethodView):
    @READ
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, AlertOut(many=True))
    def get(self, args):
        """Alerts of my mission, newest first, with the people each reached"""
        alerts = services.list_alerts(current_user, **args)
        reached = inbox.reach([alert.id for alert in alerts])
        for alert in alerts:
            sent = alert.sent_at or alert.state in ("sending", "sent")
            nobody = {"reached": 0, "people": 0} if sent else None
            alert.reach = reached.get(alert.id, nobody)
        return alerts

    @ACT
    @blp.arguments(AlertIn)
    @blp.response(201, AlertOut)
    def post(self, data):
        """Draft an alert for areas in my jurisdiction"""
        return services.create_alert(current_user, data)


@blp.route("/alerts/rules")
class StaffAlertRules(MethodView):
    @READ
    @blp.response(200, AlertRulesOut)
    def get(self):
        """The approval rules, for a draft not saved yet"""
        return {"two_person_severities": list(TWO_PERSON_SEVERITIES)}


@blp.route("/alerts/<int:alert_id>")
class StaffAlert(MethodView):
    @READ
    @blp.response(200, AlertOut)
    def get(self, alert_id):
        """One alert of my mission"""
        return services.get_alert(current_user, alert_id)

    @ACT
    @blp.arguments(AlertIn(partial=ALERT_FIELDS))
    @blp.response(200, AlertOut)
    def patch(self, data, alert_id):
        """Change a draft (an approved alert goes back to draft)"""
        return services.update_alert(current_user, alert_id, data)


@blp.route("/alerts/<int:alert_id>/audience")
class StaffAlertAudience(MethodView):
    @READ
    @blp.response(200, AudienceOut)
    def get(self, alert_id):
        """How many people and devices the alert would reach, by language"""
        return audience.preview(services.get_alert(current_user, alert_id))


@blp.route("/alerts/<int:alert_id>/approve")
class StaffAlertApprove(MethodView):
    @ACT
    @blp.response(200, AlertOut)
    def post(self, alert_id):
        """Approve a draft (Severe and Extreme: not by its drafter)"""
        return services.approve(current_user, alert_id)


@blp.route("/alerts/<int:alert_id>/request-approval")
class StaffAlertRequestApproval(MethodView):
    @ACT
    @blp.response(200, AlertOut)
    def post(self, alert_id):
        """Ask for the second person's approval: everyone who may approve is told live"""
        return approval.request_approval(current_user, alert_id)


@blp.route("/alerts/<int:alert_id>/send-back")
class StaffAlertSendBack(MethodView):
    @ACT
    @blp.arguments(SendBackIn)
    @blp.response(200, AlertOut)
    def post(self, data, alert_id):
        """Send a draft back to its drafter with a comment (instead of approving it)"""
        return approval.send_back(current_user, alert_id, data["comment"])


@blp.route("/alerts/<int:alert_id>/send")
class StaffAlertSend(MethodView):
    @ACT
    @blp.response(202, AlertOut)
    def post(self, alert_id):
        """Send now (or again, to people who arrived since); returns at once"""
        return services.send(current_user, alert_id)


@blp.route("/alerts/<int:alert_id>/cancel")
class StaffAlertCancel(MethodView):
    @ACT
    @blp.response(200, AlertOut)
    def post(self, alert_id):
        """Cancel; a sent alert gets a CAP Cancel pushed to its recipients (returned)"""
        return services.cancel(current_user, alert_id)


@blp.route("/alerts/<int:alert_id>/deliveries")
class StaffAlertDeliveries(MethodView):
    @READ
    @blp.response(200, DeliveryStatsOut)
    def get(self, alert_id):
        """Live delivery progress: pending, sent, delivered, failed, expired, gone, clicked, per
        channel; why deliveries failed; sent and opened over time"""
        alert = services.get_alert(current_user, alert_id)
        return {**inbox.delivery_stats(alert), "failures": inbox.failure_reasons(alert),
                "series": inbox.delivery_series(alert)}


@blp.route("/alerts/<int:alert_id>/unreached")
class StaffAlertUnreached(MethodView):
    @READ
    @blp.response(200, UnreachedOut(many=True))
    def get(self, alert_id):
        """The people no channel reached (no delivery sent or delivered), with their phone
        numbers: the call centre's list"""
        return inbox.unreached(services.get_alert(current_user, alert_id))


@blp.route("/alerts/<int:alert_id>/unreached.csv")
class StaffAlertUnreachedCsv(MethodView):
    @READ
    @blp.response(200, CSV)
    def get(self, alert_id):
        """The people no channel reached, as CSV for the call centre (audited)"""
        alert = services.get_alert(current_user, alert_id)
        return Response(inbox.unreached_csv(current_user, alert), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="alert-{alert.id}-unreached.csv"',
            "Cache-Control": "no-store"})
