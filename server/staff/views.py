"""Staff sign-in, who am I, staff account management (admins), travelers in jurisdiction."""
from datetime import UTC, datetime

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort

from server.staff import blp, services, sessions, signin, travelers
from server.staff.schemas import (
    SearchResultOut,
    SignInOut,
    StaffEnrolIn,
    StaffLoginIn,
    StaffMeOut,
    StaffMePatch,
    StaffPasswordIn,
    StaffUserIn,
    StaffUserOut,
    StaffUserPatch,
    SummaryOut,
    TravelerRecordOut,
    TravelerSearchArgs,
)
from server.staff.scope import require_staff


def _me(user) -> dict:
    scope = None
    if user.role != "admin":
        scope = user.embassy.jurisdiction if user.embassy else []
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "language": user.language, "embassy": user.embassy, "jurisdiction": scope,
            **sessions.deadlines(), "now": datetime.fromtimestamp(sessions.clock(), UTC)}


def _problems_as_422(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except services.StaffProblems as exc:
        abort(422, errors={"json": exc.problems})


@blp.route("/auth/login")
class StaffLogin(MethodView):
    @blp.arguments(StaffLoginIn)
    @blp.response(200, SignInOut)
    def post(self, data):
        """Sign in with email, password and TOTP code; the first time, get the QR code to enrol

        401 with a `totp` field error: the code is missing, wrong or already used.
        429 with Retry-After: locked after repeated failures.
        """
        result = signin.sign_in(data["email"], data["password"], data["totp"])
        if isinstance(result, dict):
            return result
        return {**_me(result), "enrolment_required": False}


@blp.route("/auth/enrol")
class StaffEnrol(MethodView):
    @blp.arguments(StaffEnrolIn)
    @blp.response(200, SignInOut)
    def post(self, data):
        """Confirm the authenticator with its first code; this activates it and signs in"""
        user = signin.enrol(data["email"], data["password"], data["totp"])
        return {**_me(user), "enrolment_required": False}


@blp.route("/auth/logout")
class StaffLogout(MethodView):
    @blp.response(204)
    def post(self):
        """Sign out (every copy of this session stops working)"""
        signin.sign_out(current_user)


@blp.route("/me")
class StaffMe(MethodView):
    decorators = [require_staff()]

    @blp.response(200, StaffMeOut)
    def get(self):
        """Who am I: role, mission, jurisdiction and when the session ends"""
        return _me(current_user)

    @blp.arguments(StaffMePatch)
    @blp.response(200, StaffMeOut)
    def patch(self, changes):
        """Set my language to the console's, for what the server writes (mission names, errors)"""
        services.set_language(current_user, changes["language"])
        return _me(current_user)


@blp.route("/users")
class StaffUsers(MethodView):
    decorators = [require_staff("admin")]

    @blp.response(200, StaffUserOut(many=True))
    def get(self):
        """Every staff account (admins)"""
        return services.list_staff()

    @blp.arguments(StaffUserIn)
    @blp.response(201, StaffUserOut)
    def post(self, data):
        """Create a staff account (admins); they set up TOTP at their first sign-in"""
        return _problems_as_422(services.create_staff, created_by=current_user, **data)


@blp.route("/users/<int:user_id>")
class StaffUser(MethodView):
    decorators = [require_staff("admin")]

    @blp.response(200, StaffUserOut)
    def get(self, user_id):
        """One staff account (admins)"""
        return services.get_staff(user_id)

    @blp.arguments(StaffUserPatch)
    @blp.response(200, StaffUserOut)
    def patch(self, changes, user_id):
        """Change role or mission, disable, or reset the authenticator (admins)"""
        return _problems_as_422(services.update_staff, current_user, user_id, changes)


@blp.route("/users/<int:user_id>/password")
class StaffUserPassword(MethodView):
    decorators = [require_staff("admin")]

    @blp.arguments(StaffPasswordIn)
    @blp.response(200, StaffUserOut)
    def post(self, data, user_id):
        """Set a staff member's new password (admins): their sessions end, their
        authenticator stays (staff passwords are never reset by email)"""
        return _problems_as_422(services.set_password, current_user, user_id, data["password"])


@blp.route("/travelers/summary")
class TravelerSummary(MethodView):
    decorators = [require_staff()]

    @blp.response(200, SummaryOut)
    def get(self):
        """Travelers in my jurisdiction by country and region, current and upcoming"""
        return travelers.summary(current_user)


@blp.route("/travelers")
class TravelerSearch(MethodView):
    decorators = [require_staff()]

    @blp.arguments(TravelerSearchArgs, location="query")
    @blp.response(200, SearchResultOut(many=True))
    def get(self, args):
        """Find travelers in my jurisdiction by name or phone (at most 50; audited)"""
        return travelers.search(current_user, args["q"])


@blp.route("/travelers/<int:traveler_id>")
class TravelerRecord(MethodView):
    decorators = [require_staff()]

    @blp.response(200, TravelerRecordOut)
    def get(self, traveler_id):
        """A traveler's record: contacts, trips in my jurisdiction, companions (audited)"""
        return travelers.record(current_user, traveler_id)
