"""SOS: a traveler's call for help, idempotent on the phone's UUID, routed to a mission."""
from server.blueprint import Blueprint

blp = Blueprint("sos", __name__, url_prefix="/api/sos",
                description="The signed-in traveler's SOS cases.")
