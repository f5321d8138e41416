"""Trips abroad: legs (where and when), companions and a home emergency contact."""
from flask_smorest import Blueprint

blp = Blueprint("trips", __name__, url_prefix="/api/trips",
                description="The signed-in traveler's trips.")
