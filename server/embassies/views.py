from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import abort

from server.embassies import blp, services
from server.embassies.schemas import MissionListArgs, MissionOut, ServingArgs


@blp.route("")
class Missions(MethodView):
    @blp.arguments(MissionListArgs, location="query")
    @blp.response(200, MissionOut(many=True))
    def get(self, args):
        """Every mission, or those located in one country"""
        return services.list_missions(args.get("country"))


@blp.route("/<int:mission_id>")
class MissionById(MethodView):
    @blp.response(200, MissionOut)
    def get(self, mission_id):
        """One mission with its contacts and jurisdiction"""
        return services.get_mission(mission_id)


@blp.route("/serving")
class Serving(MethodView):
    @blp.arguments(ServingArgs, location="query")
    @blp.response(200, MissionOut)
    def get(self, args):
        """The mission responsible for a country, a subdivision, or a position"""
        country = args.get("country")
        subdivision = args.get("subdivision")
        if subdivision and not country:
            country = subdivision.split("-", 1)[0]
        if not country and "lat" in args and "lon" in args:
            country, subdivision = services.place_at(args["lat"], args["lon"])
        if not country:
            abort(422, errors={"query": {"country": [
                _l("Give a country, a region, or a position on land.")]}})
        mission = services.serving(country, subdivision)
        if mission is None:
            abort(404, message=_l("No mission serves this place. Call the global hotline."))
        return mission
