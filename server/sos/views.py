from flask.views import MethodView
from flask_login import current_user

from server.auth import login_required
from server.idempotent import created_or_replayed
from server.sos import blp, services
from server.sos.schemas import TRAVELER_CASE, TRAVELER_CASES, PositionIn, PositionOut, SosIn


@blp.route("")
class Cases(MethodView):
    decorators = [login_required]

    @blp.response(200, TRAVELER_CASES)
    def get(self):
        """My SOS cases, newest first"""
        return services.list_cases(current_user)

    @blp.arguments(SosIn)
    @created_or_replayed(blp, TRAVELER_CASE, created="The case was created.",
                         replayed="A replay: the case already existed and is returned as is.")
    def post(self, data):
        """Raise an SOS (idempotent on client_uuid; stored before the response is sent)"""
        return services.raise_sos(current_user, data)


@blp.route("/<uuid:client_uuid>")
class CaseByUuid(MethodView):
    decorators = [login_required]

    @blp.response(200, TRAVELER_CASE)
    def get(self, client_uuid):
        """One of my SOS cases: its state and the responsible mission's contacts"""
        return services.get_case(current_user, client_uuid)


@blp.route("/<uuid:client_uuid>/positions")
class Positions(MethodView):
    decorators = [login_required]

    @blp.arguments(PositionIn)
    @created_or_replayed(blp, PositionOut, created="The position was added to the trail.",
                         replayed="A replay: this recorded_at was already stored.")
    def post(self, data, client_uuid):
        """Add a position to an open SOS (idempotent on recorded_at)"""
        return services.add_position(current_user, client_uuid, data)


@blp.route("/<uuid:client_uuid>/cancel")
class Cancel(MethodView):
    decorators = [login_required]

    @blp.response(200, TRAVELER_CASE)
    def post(self, client_uuid):
        """I am safe now: cancel my SOS"""
        return services.cancel(current_user, client_uuid)
