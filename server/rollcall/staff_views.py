"""Staff: start, follow, remind, close and export roll calls (on the staff blueprint)."""
from flask import Response
from flask.views import MethodView
from flask_login import current_user

from server.broadcast.schemas import UnreachedOut
from server.openapi import text_response
from server.rollcall import dashboard, exports, services
from server.rollcall.schemas import (
    AudienceIn,
    EvacuationOut,
    QuestionIn,
    RemindIn,
    RollCallAudienceOut,
    RollCallDashboardOut,
    RollCallIn,
    RollCallListArgs,
    RollCallOut,
)
from server.staff import blp
from server.staff.scope import require_staff

READ = require_staff("viewer", "officer", "admin")
ACT = require_staff("officer", "admin")
CSV = text_response("text/csv", "CSV (UTF-8 with BOM)")


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@blp.route("/rollcalls")
class StaffRollCalls(MethodView):
    @READ
    @blp.arguments(RollCallListArgs, location="query")
    @blp.response(200, RollCallOut(many=True))
    def get(self, args):
        """Roll calls of my mission, newest first"""
        return services.list_rollcalls(current_user, **args)

    @ACT
    @blp.arguments(RollCallIn)
    @blp.response(202, RollCallOut)
    def post(self, data):
        """Start a roll call for areas in my jurisdiction (pushes go out in the background)"""
        return services.start(current_user, data)


@blp.route("/rollcalls/question")
class StaffRollCallQuestion(MethodView):
    @READ
    @blp.response(200, QuestionIn(many=True))
    def get(self):
        """The pre-written question in every language, for the new roll-call form to edit"""
        return services.question_template()


@blp.route("/rollcalls/audience")
class StaffRollCallAudience(MethodView):
    @READ
    @blp.arguments(AudienceIn)
    @blp.response(200, RollCallAudienceOut)
    def post(self, data):
        """How many travelers and devices a roll call for this area would ask"""
        return services.preview(current_user, data)


@blp.route("/rollcalls/<int:rollcall_id>")
class StaffRollCall(MethodView):
    @READ
    @blp.response(200, RollCallDashboardOut)
    def get(self, rollcall_id):
        """Dashboard: safe / need help / no answer, by city, map points, answers per minute"""
        return dashboard.dashboard(services.get_rollcall(current_user, rollcall_id))


@blp.route("/rollcalls/<int:rollcall_id>/remind")
class StaffRollCallRemind(MethodView):
    @ACT
    @blp.arguments(RemindIn)
    @blp.response(202, RollCallOut)
    def post(self, data, rollcall_id):
        """Push the question again to those who have not answered"""
        return services.remind(current_user, rollcall_id, data["min_minutes"])


@blp.route("/rollcalls/<int:rollcall_id>/close")
class StaffRollCallClose(MethodView):
    @ACT
    @blp.response(200, RollCallOut)
    def post(self, rollcall_id):
        """Close: no more pushes; later answers are kept and marked late"""
        return services.close(current_user, rollcall_id)


@blp.route("/rollcalls/<int:rollcall_id>/export.csv")
class StaffRollCallExport(MethodView):
    @READ
    @blp.doc(responses=CSV)
    def get(self, rollcall_id):
        """Call-centre list: no answer or needing help, in my jurisdiction (audited)"""
        rollcall = services.get_rollcall(current_user, rollcall_id)
        return _csv(exports.call_centre_csv(current_user, rollcall),
                    f"rollcall-{rollcall.id}-call-centre.csv")


@blp.route("/rollcalls/<int:rollcall_id>/unreached")
class StaffRollCallUnreached(MethodView):
    @READ
    @blp.response(200, UnreachedOut(many=True))
    def get(self, rollcall_id):
        """The recipients no channel reached, with their phone numbers: the call centre's list"""
        return exports.unreached(services.get_rollcall(current_user, rollcall_id))


@blp.route("/rollcalls/<int:rollcall_id>/unreached.csv")
class StaffRollCallUnreachedCsv(MethodView):
    @READ
    @blp.doc(responses=CSV)
    def get(self, rollcall_id):
        """The recipients no channel reached, as CSV for the call centre (audited)"""
        rollcall = services.get_rollcall(current_user, rollcall_id)
        return _csv(exports.unreached_csv(current_user, rollcall),
                    f"rollcall-{rollcall.id}-unreached.csv")


@blp.route("/rollcalls/<int:rollcall_id>/evacuation")
class StaffRollCallEvacuation(MethodView):
    @READ
    @blp.response(200, EvacuationOut)
    def get(self, rollcall_id):
        """People and party sizes wanting evacuation, by city"""
        return dashboard.evacuation(services.get_rollcall(current_user, rollcall_id))


@blp.route("/rollcalls/<int:rollcall_id>/evacuation.csv")
class StaffRollCallEvacuationCsv(MethodView):
    @READ
    @blp.doc(responses=CSV)
    def get(self, rollcall_id):
        """The evacuation list by city as CSV (audited)"""
        rollcall = services.get_rollcall(current_user, rollcall_id)
        return _csv(exports.evacuation_csv(current_user, rollcall),
                    f"rollcall-{rollcall.id}-evacuation.csv")
