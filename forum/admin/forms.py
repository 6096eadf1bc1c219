"""Admin forms: roles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from forum.forms import Chosen, choices

SITE_ROLE_LABELS = {"fan": _l("Fan"), "product": _l("Product team (all communities)"), "admin": _l("Admin")}
COMMUNITY_ROLE_LABELS = {"staff": _l("Staff"), "product": _l("Product team")}


class SiteRoleForm(FlaskForm):
    role = SelectField(_l("Site role"), choices=choices(SITE_ROLE_LABELS.items()), validators=[Chosen()])
    submit = SubmitField(_l("Save role"))


class GrantRoleForm(FlaskForm):
    community = SelectField(_l("Community"), coerce=int, validators=[Chosen()])
    role = SelectField(_l("Role"), choices=choices(COMMUNITY_ROLE_LABELS.items()), validators=[Chosen()])
    submit = SubmitField(_l("Grant role"))
