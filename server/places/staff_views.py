"""Place search for the staff console, on the staff blueprint (``/api/staff/places``)."""
from flask.views import MethodView
from flask_babel import get_locale

from server.places import services
from server.places.schemas import CitiesInArgs, FoundPlaceOut, PlaceSearchArgs
from server.staff import blp
from server.staff.scope import require_staff


@blp.route("/places/search")
class PlaceSearch(MethodView):
    decorators = [require_staff()]

    @blp.arguments(PlaceSearchArgs, location="query")
    @blp.response(200, FoundPlaceOut(many=True))
    def get(self, args):
        """Cities by name in any script, most populous first, or a typed "lat, lon" position"""
        return services.search_places(args["q"], args["limit"], str(get_locale()))


@blp.route("/places/cities")
class PlaceCities(MethodView):
    decorators = [require_staff()]

    @blp.arguments(CitiesInArgs, location="query")
    @blp.response(200, FoundPlaceOut(many=True))
    def get(self, args):
        """The most populous cities in a map's box, for the labels of the offline basemap"""
        limit = args.pop("limit")
        return services.cities_in(args, limit, str(get_locale()))
