"""Roll calls ("are you safe?"): staff ask everyone in an area, travelers answer with one tap,
"I need help" opens an SOS case; staff follow the figures live and export the lists."""
from server.blueprint import Blueprint

blp = Blueprint("rollcalls", __name__, url_prefix="/api/rollcalls",
                description="Roll calls I was asked to answer.")
