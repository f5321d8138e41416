"""Staff: hazard events from the feeds, and drafts made from them (on the staff blueprint)."""
from flask.views import MethodView
from flask_login import current_user

from server.alerts.schemas import AlertOut
from server.hazards import services
from server.hazards.schemas import EventListArgs, EventOut, RollCallDraftOut
from server.staff import blp
from server.staff.scope import require_staff

READ = require_staff("viewer", "officer", "admin")
ACT = require_staff("officer", "admin")


@blp.route("/hazards")
class StaffHazards(MethodView):
    @READ
    @blp.arguments(EventListArgs, location="query")
    @blp.response(200, EventOut(many=True))
    def get(self, args):
        """Hazard events in my jurisdiction with the people in their areas, newest first"""
        return services.list_events(current_user, **args)


@blp.route("/hazards/banner")
class StaffHazardBanner(MethodView):
    @READ
    @blp.response(200, EventOut(many=True))
    def get(self):
        """Open events with at least HAZARD_BANNER_MIN_PEOPLE people of my mission in their
        area, for the console's banner (also announced live as hazard.counted)"""
        return services.banner_events(current_user)


@blp.route("/hazards/<int:event_id>")
class StaffHazard(MethodView):
    @READ
    @blp.response(200, EventOut)
    def get(self, event_id):
        """One hazard event"""
        return services.get_event(current_user, event_id)


@blp.route("/hazards/<int:event_id>/draft-alert")
class StaffHazardDraftAlert(MethodView):
    @ACT
    @blp.response(201, AlertOut)
    def post(self, event_id):
        """Make a draft alert for the event's area (approval and sending as for any alert)"""
        return services.draft_alert(current_user, event_id)


@blp.route("/hazards/<int:event_id>/draft-rollcall")
class StaffHazardDraftRollCall(MethodView):
    @READ
    @blp.response(200, RollCallDraftOut)
    def post(self, event_id):
        """A pre-filled roll call for the event's area, to review and start (nothing sent)"""
        return services.rollcall_body(current_user, event_id)
