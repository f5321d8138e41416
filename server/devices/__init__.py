"""Push devices: the browser's push subscription, its language, and its latest consented fix."""
from server import signals
from server.blueprint import Blueprint

blp = Blueprint("devices", __name__, url_prefix="/api",
                description="The signed-in traveler's push subscriptions, and the VAPID key.")


@signals.user_data_export.connect
def _export(user, **_extra):
    from server.devices.services import export_for_user

    return "devices", export_for_user(user)


@signals.location_consent_withdrawn.connect
def _forget_locations(user, **_extra):
    from server.devices.services import forget_locations

    forget_locations(user)
