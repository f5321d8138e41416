"""Trips abroad: legs (where and when), companions and a home emergency contact."""
from flask_smorest import Blueprint

from server import signals

blp = Blueprint("trips", __name__, url_prefix="/api/trips",
                description="The signed-in traveler's trips.")


@signals.user_data_export.connect
def _export(user, **_extra):
    from server.trips.services import export_for_user

    return "trips", export_for_user(user)
