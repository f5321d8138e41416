"""SMS: encodings and segments, the Kannel gateway client (or the embedded file outbox),
verified phone numbers, delivery reports and replies from phones."""
from flask_smorest import Blueprint

blp = Blueprint("sms", __name__, url_prefix="/api",
                description="Phone verification by SMS, and the SMS gateway's callbacks.")
