"""Solution and comment forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.forms import FlaskForm
from forum.solutions.comments import BODY_MAX as COMMENT_MAX
from forum.solutions.services import BODY_MAX, TITLE_MAX


class SolutionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(
        _l("Your solution"),
        validators=[DataRequired(), Length(max=BODY_MAX)],
        description=_l("How does it work, and why will it solve the problem? Markdown is supported."),
        # data-mentions: the preview links @names as the stored text will (forum/writing).
        render_kw={"rows": 12, "data-mentions": "1"},
    )
    tags = StringField(
        _l("Tags"), validators=[Length(max=300)], description=_l("Separate with commas, e.g. 自清洁, filter")
    )
    images = MultipleFileField(
        _l("Images"),
        description=_l("Up to 6 PNG, JPEG, WebP or GIF images, 8 MB each."),
        render_kw={"accept": "image/png,image/jpeg,image/webp,image/gif"},
    )
    # Shown to staff editing from the voting phase on, where the reason is required (services).
    note = TextAreaField(
        _l("Why this change"),
        validators=[Length(max=500)],
        description=_l("Shown in the idea's public history; its voters and followers are told."),
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Submit solution"))
    # Uploads stored by an earlier attempt of this form come back as signed references in
    # hidden "kept_image" inputs (forum/media/services.py, `reference`), one per picture, and
    # a "remove_image" box beside each; the view reads them, as their number varies.


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"), validators=[DataRequired(), Length(max=COMMENT_MAX)], render_kw={"rows": 3, "data-mentions": "1"}
    )
    parent_id = HiddenField()
    submit = SubmitField(_l("Post comment"))


class CommentEditForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"), validators=[DataRequired(), Length(max=COMMENT_MAX)], render_kw={"rows": 4, "data-mentions": "1"}
    )
    submit = SubmitField(_l("Save"))
