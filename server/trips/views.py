from flask.views import MethodView
from flask_login import current_user

from server.auth import login_required
from server.trips import blp, services
from server.trips.schemas import TRIP_FIELDS, TripIn, TripListArgs, TripOut


@blp.route("")
class Trips(MethodView):
    decorators = [login_required]

    @blp.arguments(TripListArgs, location="query")
    @blp.response(200, TripOut(many=True))
    def get(self, args):
        """My trips: all, or current, upcoming or past"""
        return services.list_trips(current_user, args["when"])

    @blp.arguments(TripIn)
    @blp.response(201, TripOut)
    def post(self, data):
        """Register a trip"""
        return services.create_trip(current_user, data)


@blp.route("/<int:trip_id>")
class TripById(MethodView):
    decorators = [login_required]

    @blp.response(200, TripOut)
    def get(self, trip_id):
        """One of my trips, with the missions responsible for each stay"""
        return services.get_trip(current_user, trip_id)

    @blp.arguments(TripIn(partial=TRIP_FIELDS))
    @blp.response(200, TripOut)
    def patch(self, data, trip_id):
        """Change a trip; lists (legs, companions) are replaced as a whole"""
        return services.update_trip(current_user, trip_id, data)

    @blp.response(204)
    def delete(self, trip_id):
        """Delete a trip"""
        services.delete_trip(current_user, trip_id)
