"""The export page's filters: a GET form, so it carries no CSRF token and changes nothing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from forum.exports.services import FORMATS, LIMIT_MAX, VOTES_MAX
from forum.forms import choices
from forum.solutions.models import STATUS_LABELS

SORT_LABELS = {"votes": _l("Most votes"), "hot": _l("Hot"), "score": _l("Review score"), "date": _l("Newest")}
FORMAT_LABELS = {"csv": "CSV (Excel)", "xlsx": "XLSX", "json": "JSON"}


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    challenge = SelectField(_l("Challenge"), coerce=int, validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices([("", _l("Any status")), *STATUS_LABELS.items()]))
    min_votes = IntegerField(_l("At least this many votes"), validators=[Optional(), NumberRange(min=0, max=VOTES_MAX)])
    since = DateField(_l("Posted on or after"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=choices(SORT_LABELS.items()), default="votes")
    limit = IntegerField(_l("At most this many rows"), validators=[Optional(), NumberRange(min=1, max=LIMIT_MAX)])
    format = SelectField(_l("Format"), choices=choices((f, FORMAT_LABELS[f]) for f in FORMATS), default="csv")
