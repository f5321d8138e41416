"""The directory of missions (embassies, consulates) and which one serves a place."""
from server.blueprint import Blueprint

blp = Blueprint("embassies", __name__, url_prefix="/api/embassies",
                description="Missions abroad and their jurisdictions (public).")
