"""Trips abroad: legs (where and when), companions and a home emergency contact."""
from server.blueprint import Blueprint

blp = Blueprint("trips", __name__, url_prefix="/api/trips",
                description="The signed-in traveler's trips.")
