"""POST /tokens: a token for a username and password."""

from flask_babel import lazy_gettext as _l

from forum.accounts import services as accounts
from forum.accounts import tokens
from forum.api import serializers
from forum.api.common import responses
from forum.api.core import json_body, operation
from forum.api.schemas import BODIES, ref
from forum.errors import Forbidden, Unauthorized
from forum.limits import limit_failed_logins, typed_in_json
from forum.permissions import suspension_refusal


@operation(
    "/tokens",
    "POST",
    summary="Get a token for a username (or email) and password; it is shown once",
    tag="tokens",
    body="TokenRequest",
    responses=responses(201, "The new token", ref("Token")),
)
# Only a wrong username or password (401) counts; the form's login shares the counters.
@limit_failed_logins(typed_in_json("username"), failed=lambda response: response.status_code == 401)
def create_token():
    data = json_body(BODIES["TokenRequest"])
    user = accounts.authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized(_l("Wrong username or password."))
    refusal = suspension_refusal(user)
    if refusal:
        raise Forbidden(refusal)
    row, plaintext = tokens.issue_token(user, data.get("name"))
    return serializers.token(row, plaintext), 201
