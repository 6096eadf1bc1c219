"""Which solutions an export holds, in what order, with which columns, for whom.

Rows stream from the database in chunks, so 100,000 of them never sit in memory at once.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from forum import text
from forum.accounts.models import User
from forum.challenges.models import Challenge
from forum.clock import isoformat
from forum.communities.models import Community
from forum.database import INT_MAX, get_or_raise
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.permissions import can_export, can_read_reviews, can_see, is_admin, require
from forum.review.models import RUBRIC, RUBRIC_WEIGHTS, Review, StatusChange
from forum.solutions.models import STATUSES, Solution, Tag, solution_tag

SORTS = ("votes", "hot", "score", "date")
FORMATS = ("csv", "xlsx", "json")
LIMIT_MAX = 1_000_000
VOTES_MAX = INT_MAX
CHUNK = 1000
# The columns, in order. Nothing else leaves: no emails, no staff notes, no hidden flags.
COLUMNS = (
    "id",
    "url",
    "community",
    "challenge",
    "title",
    "author",
    "status",
    "votes",
    "comments",
    *RUBRIC,
    "reviewers",
    "tags",
    "created",
    "last_status_change",
    "body",
)
# Columns people wrote: a spreadsheet would run one starting like a formula (the writers see to it).
TEXT_COLUMNS = ("community", "challenge", "title", "author", "tags", "body")


@dataclass
class ExportSpec:
    """What to export: a community or one of its challenges, filtered and sorted."""

    community: Community
    challenge: Challenge | None = None
    status: str | None = None
    min_votes: int | None = None
    since: datetime | None = None
    sort: str = "votes"
    limit: int | None = None


def make_spec(community, challenge_id=None, **filters):
    """An ExportSpec for a community, or for a challenge by id (its community when `community`
    is None). Raises RuleBroken."""
    challenge = None
    if challenge_id is not None:
        try:
            challenge = get_or_raise(Challenge, id=challenge_id)
        except NotFound:
            raise RuleBroken(_l("No such challenge."), field="challenge") from None
    if community is None:
        if challenge is None:
            raise RuleBroken(_l("Give a community or a challenge."), field="community")
        community = challenge.community
    return ExportSpec(community=community, challenge=challenge, **filters)


def check_spec(viewer, spec):
    """Refuse an export the viewer may not take (Forbidden) or a filter out of range (RuleBroken)."""
    if viewer is not None:
        require(can_export(viewer, spec.community), _l("Exports are for staff and the product team."))
        if spec.challenge is not None and not can_see(viewer, spec.challenge):
            raise RuleBroken(_l("No such challenge."), field="challenge")
    if spec.challenge is not None and spec.challenge.community_id != spec.community.id:
        raise RuleBroken(_l("That challenge is in another community."), field="challenge")
    if spec.status is not None and spec.status not in STATUSES:
        raise RuleBroken(_l("Unknown status."), field="status")
    if spec.sort not in SORTS:
        raise RuleBroken(_l("Unknown sort order."), field="sort")
    if spec.min_votes is not None and not 0 <= spec.min_votes <= VOTES_MAX:
        raise RuleBroken(_l("Use a number from 0 to 2,147,483,647."), field="min_votes")
    if spec.limit is not None and not 1 <= spec.limit <= LIMIT_MAX:
        raise RuleBroken(_l("Use a number from 1 to 1,000,000."), field="limit")


def rows(viewer, spec, include_hidden=False):
    """Each exported solution as a tuple in COLUMNS order. `viewer` None is the command line,
    which runs with the database's own rights and takes hidden content only when asked."""
    check_spec(viewer, spec)  # here, not in the generator: a refusal must come before the first byte
    with_hidden = is_admin(viewer) if viewer is not None else include_hidden
    with_reviews = viewer is None or can_read_reviews(viewer, spec.community)
    return _stream(spec, with_hidden, with_reviews)


def _stream(spec, with_hidden, with_reviews):
    # Through the connection, not the ORM session: the rows are plain columns, and the ORM's
    # per-row handling was a tenth of a large export's time.
    result = db.session.connection().execute(_statement(spec, with_hidden).execution_options(yield_per=CHUNK))
    url = _url_maker("solutions.detail", "solution_id")
    slug = spec.community.slug
    for chunk in result.partitions():
        tags = _tags([row.id for row in chunk])
        for row in chunk:
            yield _row(row, url(row.id), slug, tags.get(row.id, ()), with_reviews)


def _url_maker(endpoint, argument):
    """A function from an id to the endpoint's absolute URL, with the route built once: url_for
    on every row was a quarter of a 100,000-row export's time."""
    marker = 987654321
    template = url_for(endpoint, _external=True, **{argument: marker}).replace("{", "{{").replace("}", "}}")
    return template.replace(str(marker), "{}").format


def _statement(spec, with_hidden):
    averages = [func.avg(getattr(Review, c)).label(c) for c in RUBRIC]
    reviews = (
        db.select(Review.solution_id, func.count(Review.id).label("reviewers"), *averages)
        .group_by(Review.solution_id)
        .subquery()
    )
    changes = (
        db.select(StatusChange.solution_id, func.max(StatusChange.created).label("changed"))
        .group_by(StatusChange.solution_id)
        .subquery()
    )
    stmt = (
        db.select(
            Solution.id,
            Solution.title,
            Solution.body_html,
            Solution.status,
            Solution.vote_count,
            Solution.comment_count,
            Solution.created,
            Challenge.title.label("challenge_title"),
            User.username,
            reviews.c.reviewers,
            *(reviews.c[c] for c in RUBRIC),
            changes.c.changed,
        )
        .join(Challenge, Solution.challenge_id == Challenge.id)
        .outerjoin(User, Solution.author_id == User.id)
        .outerjoin(reviews, reviews.c.solution_id == Solution.id)
        .outerjoin(changes, changes.c.solution_id == Solution.id)
        .where(Solution.community_id == spec.community.id)
    )
    if spec.challenge is not None:
        stmt = stmt.where(Solution.challenge_id == spec.challenge.id)
    if not with_hidden:
        stmt = stmt.where(Solution.visibility == "public", Challenge.visibility == "public")
    if spec.status:
        stmt = stmt.where(Solution.status == spec.status)
    if spec.min_votes:
        stmt = stmt.where(Solution.vote_count >= spec.min_votes)
    if spec.since:
        stmt = stmt.where(Solution.created >= spec.since)
    stmt = stmt.order_by(*_order(spec.sort, reviews))
    if spec.limit:
        stmt = stmt.limit(spec.limit)
    return stmt


def _order(sort, reviews):
    if sort == "votes":
        return Solution.vote_count.desc(), Solution.id.desc()
    if sort == "hot":
        return Solution.hot.desc(), Solution.id.desc()
    if sort == "score":
        weighted = sum(func.coalesce(reviews.c[c], 0) * w for c, w in RUBRIC_WEIGHTS.items())
        return weighted.desc(), Solution.vote_count.desc(), Solution.id.desc()
    return Solution.created.desc(), Solution.id.desc()


def _tags(solution_ids):
    stmt = (
        db.select(solution_tag.c.solution_id, Tag.name)
        .join(Tag, Tag.id == solution_tag.c.tag_id)
        .where(solution_tag.c.solution_id.in_(solution_ids))
        .order_by(Tag.name)
    )
    tags = {}
    for solution_id, name in db.session.execute(stmt):
        tags.setdefault(solution_id, []).append(name)
    return tags


def _row(row, url, community_slug, tags, with_reviews):
    # Unpacked by position, in _statement's column order: a lookup by name per column cost more
    # than the rest of the row.
    solution_id, title, body_html, status, votes, comments, created, challenge_title, username, reviewers, *rest = row
    *means, changed = rest
    averages = [round(float(mean), 2) if with_reviews and mean is not None else "" for mean in means]
    return (
        solution_id,
        url,
        community_slug,
        challenge_title,
        title,
        username or "",
        status,
        votes,
        comments,
        *averages,
        (reviewers or 0) if with_reviews else "",
        " ".join(tags),
        isoformat(created) or "",
        isoformat(changed) or "",
        text.plain(body_html),
    )
