"""Parameters and responses several resources share."""

from forum.api.core import Param
from forum.api.schemas import ID, ref

ERRORS = {"default": ("An error: `error.code`, `error.message` and, for bad input, `error.field`", ref("Error"))}
CURSOR = Param("cursor", {"type": "string", "maxLength": 500}, "From the `next` link of the previous page")
SORT = Param("sort", {"enum": ["hot", "top", "new"], "default": "hot"}, "Order of the list")
SLUG = Param("slug", {"type": "string"}, "The community's slug", where="path", required=True)
CHALLENGE_ID = Param("challenge_id", ID, "The challenge's id", where="path", required=True)
SOLUTION_ID = Param("solution_id", ID, "The solution's id", where="path", required=True)


def responses(status, description, schema):
    return {status: (description, schema), **ERRORS}
