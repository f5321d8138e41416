"""Push devices: the browser's push subscription, its language, and its latest consented fix."""
from server.blueprint import Blueprint

blp = Blueprint("devices", __name__, url_prefix="/api",
                description="The signed-in traveler's push subscriptions, and the VAPID key.")
