"""The apps' shell: static PWA files, public configuration and the UI catalogs."""
from flask import Blueprint as FlaskBlueprint

from server.blueprint import Blueprint

blp = Blueprint("web", __name__, url_prefix="/api",
                description="Public configuration and the apps' translation catalogs.")
pages = FlaskBlueprint("pages", __name__)
