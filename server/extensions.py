"""Extensions, created unbound here and bound in one ordered block in ``create_app``."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from server.db import db
from server.errors import LocalizedApi

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = LocalizedApi()

__all__ = ["api", "babel", "csrf", "db", "login_manager", "migrate"]
