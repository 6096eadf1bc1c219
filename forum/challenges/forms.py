"""Challenge forms: a fan's problem, a staff campaign, a phase move."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.challenges.models import PHASE_LABELS
from forum.challenges.services import BODY_MAX, REWARD_MAX, TITLE_MAX, Campaign
from forum.forms import Chosen, FlaskForm, choices
from forum.zones import ZonedDateTimeField


class ChallengeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(
        _l("The problem"),
        validators=[DataRequired(), Length(max=BODY_MAX)],
        description=_l("What goes wrong, for whom, and when? Markdown is supported."),
        render_kw={"rows": 10, "data-draft": "challenge"},
    )
    # Campaign settings: shown to staff only, and ignored for anyone else by the view.
    is_campaign = BooleanField(_l("Run as a campaign with phases and deadlines"))
    # Typed in the reader's zone (the field says which), stored in UTC.
    submission_ends = ZonedDateTimeField(_l("Submissions close"), validators=[Optional()])
    voting_ends = ZonedDateTimeField(_l("Voting closes"), validators=[Optional()])
    vote_budget = IntegerField(
        _l("Vote budget"),
        validators=[Optional(), NumberRange(min=1, max=10_000)],
        description=_l("Each fan may vote for at most this many solutions. Empty: no limit."),
    )
    review_threshold = IntegerField(
        _l("Review threshold"),
        validators=[Optional(), NumberRange(min=1, max=10_000)],
        description=_l("A solution with this many votes goes to staff for review."),
    )
    reward = StringField(_l("Reward"), validators=[Optional(), Length(max=REWARD_MAX)])
    cover = FileField(_l("Cover image"), description=_l("PNG, JPEG, WebP or GIF, up to 8 MB."))
    submit = SubmitField(_l("Publish"))

    def campaign(self):
        if not self.is_campaign.data:
            return None
        return Campaign(
            submission_ends=self.submission_ends.data,
            voting_ends=self.voting_ends.data,
            vote_budget=self.vote_budget.data,
            review_threshold=self.review_threshold.data,
            reward=self.reward.data,
        )


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Move to phase"), choices=choices(PHASE_LABELS.items()), validators=[Chosen()])
    submit = SubmitField(_l("Move"))
