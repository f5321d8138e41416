"""Staff: open and close a roll call's public crisis page (on the staff blueprint)."""
from flask.views import MethodView
from flask_login import current_user

from server.crisis import services
from server.crisis.schemas import PageOut
from server.idempotent import created_or_replayed
from server.staff import blp
from server.staff.scope import require_staff

URL = "/rollcalls/<int:rollcall_id>/crisis-page"


@blp.route(URL)
class StaffCrisisPage(MethodView):
    @require_staff("viewer", "officer", "admin")
    @blp.response(200, PageOut)
    def get(self, rollcall_id):
        """The roll call's latest crisis page, open or closed (404: none yet)"""
        return services.current_page(current_user, rollcall_id)

    @require_staff("officer", "admin")
    @created_or_replayed(blp, PageOut, created="A new crisis page was opened (audited).",
                         replayed="The page already open is returned.")
    def post(self, rollcall_id):
        """Open a public crisis sign-up page for an open roll call of my mission"""
        return services.open_page(current_user, rollcall_id)


@blp.route(f"{URL}/close")
class StaffCrisisPageClose(MethodView):
    @require_staff("officer", "admin")
    @blp.response(200, PageOut)
    def post(self, rollcall_id):
        """Close the crisis page before the roll call ends (audited)"""
        return services.close_page(current_user, rollcall_id)
