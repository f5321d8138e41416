"""Countries and their subdivisions, with names localized from CLDR (Babel) and pycountry."""
from server.blueprint import Blueprint

blp = Blueprint("places", __name__, url_prefix="/api/places",
                description="Countries and subdivisions (ISO 3166), localized.")
