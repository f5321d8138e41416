from flask.views import MethodView
from flask_login import current_user, login_required

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
    @blp.response(201, TRAVELER_CASE, description="The case was created.")
    @blp.alt_response(200, schema=TRAVELER_CASE, success=True,
                      description="A replay: the case already existed and is returned as is.")
    def post(self, data):
        """Raise an SOS (idempotent on client_uuid; stored before the response is sent)"""
        sos, created = services.raise_sos(current_user, data)
        return sos, 201 if created else 200


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
    @blp.response(201, PositionOut, description="The position was added to the trail.")
    @blp.alt_response(200, schema=PositionOut, success=True,
                      description="A replay: this recorded_at was already stored.")
    def post(self, data, client_uuid):
        """Add a position to an open SOS (idempotent on recorded_at)"""
        position, created = services.add_position(current_user, client_uuid, data)
        return position, 201 if created else 200


@blp.route("/<uuid:client_uuid>/cancel")
class Cancel(MethodView):
    decorators = [login_required]

    @blp.response(200, TRAVELER_CASE)
    def post(self, client_uuid):
        """I am safe now: cancel my SOS"""
        return services.cancel(current_user, client_uuid)
