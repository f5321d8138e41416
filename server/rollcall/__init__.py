"""Roll calls ("are you safe?"): staff ask everyone in an area, travelers answer with one tap,
"I need help" opens an SOS case; staff follow the figures live and export the lists."""
from server import signals
from server.blueprint import Blueprint

blp = Blueprint("rollcalls", __name__, url_prefix="/api/rollcalls",
                description="Roll calls I was asked to answer.")


@signals.broadcast_kinds.connect
def _rollcall_kind(_sender, **_extra):
    from server.broadcast.kinds import Kind
    from server.rollcall.payload import build
    from server.rollcall.tasks import send

    return Kind("rollcall", payload=build, send_task=send)


@signals.user_data_export.connect
def _export(user, **_extra):
    from server.rollcall.answers import export_for_user

    return "rollcall_answers", export_for_user(user)


@signals.location_consent_withdrawn.connect
def _forget_locations(user, **_extra):
    from server.rollcall.answers import forget_locations

    forget_locations(user)
