from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest import abort

from server.geo import countries
from server.places import blp, services
from server.places.schemas import EmergencyArgs, EmergencyOut, PlaceOut, SubdivisionOut


def _locale() -> str:
    return str(get_locale())


@blp.route("/countries")
class Countries(MethodView):
    @blp.response(200, PlaceOut(many=True))
    def get(self):
        """Every country with its name in the caller's language"""
        return services.countries(_locale())


@blp.route("/countries/<string:code>/subdivisions")
class Subdivisions(MethodView):
    @blp.response(200, SubdivisionOut(many=True))
    def get(self, code: str):
        """A country's subdivisions (ISO 3166-2) with localized names"""
        code = code.upper()
        if not services.is_country(code):
            abort(404)
        return services.subdivisions(code, _locale())


@blp.route("/emergency-numbers")
class EmergencyNumbers(MethodView):
    @blp.arguments(EmergencyArgs, location="query")
    @blp.response(200, EmergencyOut)
    def get(self, args):
        """The local emergency numbers of a country, or of the country at a position"""
        country = args.get("country") or countries.country_at(args["lat"], args["lon"])
        return {"country": country,
                "numbers": list(services.emergency_numbers(country)) if country else []}
