"""Crisis sign-up: a public page opened by staff from a roll call, where someone in the area
who never registered says who they are, where, and whether they are safe, and so joins the
roll call (an unverified person; "I need help" opens an SOS case)."""
from server.blueprint import Blueprint

blp = Blueprint("crisis", __name__, url_prefix="/api/crisis",
                description="Public crisis sign-up pages (no account needed).")
