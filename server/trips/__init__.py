"""Trips abroad: legs (where and when), companions and a home emergency contact."""
from server import signals
from server.blueprint import Blueprint

blp = Blueprint("trips", __name__, url_prefix="/api/trips",
                description="The signed-in traveler's trips.")


@signals.user_data_export.connect
def _export(user, **_extra):
    from server.trips.services import export_for_user

    return "trips", export_for_user(user)
