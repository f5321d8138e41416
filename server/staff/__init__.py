"""Staff: roles, the jurisdiction an officer may act in, and the staff-only API."""
from server.blueprint import Blueprint

blp = Blueprint("staff", __name__, url_prefix="/api/staff",
                description="Embassy staff (scoped to their mission's jurisdiction).")
