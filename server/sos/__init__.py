"""SOS: a traveler's call for help, idempotent on the phone's UUID, routed to a mission."""
from server import signals
from server.blueprint import Blueprint

blp = Blueprint("sos", __name__, url_prefix="/api/sos",
                description="The signed-in traveler's SOS cases.")


@signals.user_data_export.connect
def _export(user, **_extra):
    from server.sos.services import export_for_user

    return "sos", export_for_user(user)
