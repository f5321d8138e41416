"""Traveler accounts: sign up, sessions, profile, password, export and deletion."""
from server.blueprint import Blueprint

blp = Blueprint("accounts", __name__, url_prefix="/api",
                description="Sign up, sign in, the signed-in user's profile and data.")
