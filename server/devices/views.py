from flask import request
from flask.views import MethodView
from flask_login import current_user

from server.auth import login_required
from server.devices import blp, keys, services
from server.devices.schemas import DeviceOut, DevicePositionIn, PublicKeyOut, SubscriptionIn


@blp.route("/push/public-key")
class PublicKey(MethodView):
    @blp.response(200, PublicKeyOut)
    def get(self):
        """The VAPID public key to subscribe with (applicationServerKey)"""
        return {"public_key": keys.public_key()}


@blp.route("/devices")
class Devices(MethodView):
    decorators = [login_required]

    @blp.arguments(SubscriptionIn)
    @blp.response(201, DeviceOut)
    @blp.alt_response(200, schema=DeviceOut, description="The subscription was known: updated.")
    def post(self, data):
        """Register this browser's push subscription (201 new, 200 already known)"""
        device, created = services.register(current_user, data,
                                            request.headers.get("User-Agent"))
        return device, 201 if created else 200


@blp.route("/devices/<int:device_id>")
class DeviceById(MethodView):
    decorators = [login_required]

    @blp.response(204)
    def delete(self, device_id):
        """Unsubscribe a device"""
        services.delete_device(current_user, device_id)


@blp.route("/devices/<int:device_id>/position")
class DevicePosition(MethodView):
    decorators = [login_required]

    @blp.arguments(DevicePositionIn)
    @blp.response(200, DeviceOut)
    def put(self, data, device_id):
        """Store the device's latest position (needs location-sharing consent)"""
        return services.set_position(current_user, device_id, data)

    @blp.response(204)
    def delete(self, device_id):
        """Delete the device's stored position"""
        services.clear_position(current_user, device_id)
