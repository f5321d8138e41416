"""Safety alerts (CAP 1.2 shaped): drafted and approved by staff, pushed to everyone in the
area in their own language, published as CAP XML and Atom."""
from server.blueprint import Blueprint

blp = Blueprint("alerts", __name__, url_prefix="/api/alerts",
                description="Alerts I received; public CAP 1.2 and Atom exports.")
