"""Safety alerts (CAP 1.2 shaped): drafted and approved by staff, pushed to everyone in the
area in their own language, published as CAP XML and Atom."""
from server import signals
from server.blueprint import Blueprint

blp = Blueprint("alerts", __name__, url_prefix="/api/alerts",
                description="Alerts I received; public CAP 1.2 and Atom exports.")


@signals.broadcast_kinds.connect
def _alert_kind(_sender, **_extra):
    from server.alerts.payload import build
    from server.broadcast.kinds import Kind
    from server.broadcast.tasks import send_alert

    return Kind("alert", payload=build, send_task=send_alert)
