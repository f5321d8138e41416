"""Travelers: the roll calls I was asked (for the in-app prompt) and my answer."""
from flask.views import MethodView
from flask_login import current_user

from server.auth import login_required
from server.idempotent import created_or_replayed
from server.rollcall import answers, blp
from server.rollcall.schemas import AnswerIn, AnswerOut, MyRollCallOut


@blp.route("")
class MyRollCalls(MethodView):
    decorators = [login_required]

    @blp.response(200, MyRollCallOut(many=True))
    def get(self):
        """Open roll calls I was asked, newest first, with my latest answer"""
        return answers.my_rollcalls(current_user)


@blp.route("/<int:rollcall_id>")
class MyRollCall(MethodView):
    decorators = [login_required]

    @blp.response(200, MyRollCallOut)
    def get(self, rollcall_id):
        """One roll call I was asked (open or closed)"""
        return answers.my_rollcall(current_user, rollcall_id)


@blp.route("/<int:rollcall_id>/answer")
class Answer(MethodView):
    decorators = [login_required]

    @blp.arguments(AnswerIn)
    @created_or_replayed(blp, AnswerOut, created="The answer was recorded.",
                         replayed="A replay of the same client_uuid: nothing changed.")
    def post(self, data, rollcall_id):
        """Answer "safe" or "help" (idempotent per client_uuid; the latest answered_at wins)"""
        return answers.answer(current_user, rollcall_id, data)
