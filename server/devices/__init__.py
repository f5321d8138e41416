"""Push devices: the browser's push subscription, its language, and its latest consented fix."""
from flask_smorest import Blueprint

blp = Blueprint("devices", __name__, url_prefix="/api",
                description="The signed-in traveler's push subscriptions, and the VAPID key.")
