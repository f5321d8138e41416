"""The two-person hand-off: the drafter asks for approval (every staff member who may approve
hears of it live), an approver approves (services.approve) or sends it back with a comment;
each step is audited and reaches the drafter's page live."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.accounts.models import User
from server.alerts.models import Alert
from server.alerts.services import can_approve, get_alert
from server.audit import services as audit
from server.live import publish_after_commit
from server.refusals import Conflict, Forbidden
from server.staff.notify import acting_staff, email_staff


def approvers(alert: Alert) -> list[User]:
    """Staff who may approve it: acting staff of its mission and the admins, not its drafter."""
    return [user for user in acting_staff(alert.embassy_id)
            if user.id != alert.drafted_by_id and can_approve(user, alert)]


def _waiting(user: User, alert_id: int) -> Alert:
    alert = get_alert(user, alert_id)
    if alert.state != "draft" or not alert.needs_second_person:
        raise Conflict(_l("Only a draft waiting for a second person's approval can be "
                          "handed on."))
    return alert


def request_approval(user: User, alert_id: int) -> Alert:
    alert = _waiting(user, alert_id)
    if alert.drafted_by_id != user.id:
        raise Forbidden(_l("Only the drafter asks for approval."))
    asked = approvers(alert)
    audit.record(user, "alert.request_approval", alert, approvers=len(asked))
    publish_after_commit("approval.requested", alert.embassy_id, alert=alert.id,
                         drafted_by=user.id, approvers=[approver.id for approver in asked])
    email_staff(asked, _l("Approval asked: %(event)s"), [
        _l("%(drafter)s asks you to approve the alert “%(event)s” before it can be sent: "
           "Severe and Extreme alerts need a second person.")],
        f"/alerts/{alert.id}", drafter=user.name, event=alert.event)
    return alert


def send_back(user: User, alert_id: int, comment: str) -> Alert:
    alert = _waiting(user, alert_id)
    if not can_approve(user, alert):
        raise Forbidden(_l("Only a second person who may approve it can send it back."))
    audit.record(user, "alert.send_back", alert, comment=comment)
    publish_after_commit("approval.sent_back", alert.embassy_id, alert=alert.id,
                         drafted_by=alert.drafted_by_id, comment=comment)
    return alert
