"""Release notes (Xiaomi's weekly loop): staff publish a version, a date, a text and the ideas it
ships. Each idea moves to `prototyped` (the domain's last step: built, and in the fans' hands),
its trail says which release shipped it, and everyone with a stake in any of them (author, voter,
follower) hears of the release once, however many of its ideas they backed. A public page per
community lists the releases, newest first.

`prototyped` rather than a new `shipped` status: the statuses are part of the forum's interface
(the API, exports, filters) and "built and released" is what prototyped already means to fans;
the release is the detail the trail and the release page show.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum import languages, text
from forum.audit import record_action
from forum.database import get_or_raise, sql_ids
from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.services import audience, notify
from forum.paging import keyset_page
from forum.permissions import can_answer, is_staff, require
from forum.review.models import Release, ReleaseItem
from forum.review.status import record_status
from forum.solutions import follows
from forum.solutions.models import Solution
from forum.solutions.votes import voter_ids
from forum.validation import checked_markdown, checked_text
from forum.webhooks import events as webhooks

VERSION_MAX = 60
BODY_MAX = 10_000
ITEMS_MAX = 100
PAGE_SIZE = 10
# Ideas a release can ship: not declined or merged away.
SHIPPABLE = ("open", "shortlisted", "prototyping", "prototyped")
STAKE = "release.stake"


def publish(actor, community, version, released_on, body, solution_ids):
    """Raises Forbidden, or RuleBroken naming the field."""
    require(is_staff(actor, community))
    version = checked_text(version, "version", VERSION_MAX, _l("Name the version, e.g. HyperOS 2.1.5."))
    if released_on is None:
        raise RuleBroken(_l("Give the release date."), field="released_on")
    body = checked_markdown(body, "body", BODY_MAX)
    ids = sql_ids(solution_ids)[:ITEMS_MAX]
    ideas = (
        db.session.execute(
            db.select(Solution).where(
                Solution.id.in_(ids), Solution.community_id == community.id, Solution.status.in_(SHIPPABLE)
            )
        )
        .scalars()
        .all()
    )
    if not ideas:
        raise RuleBroken(_l("Pick at least one of the community's ideas that the release ships."), field="solutions")
    release = Release(
        community_id=community.id,
        author_id=actor.id,
        version=version,
        released_on=released_on,
        body=body,
        body_html=text.render(body),
        lang=languages.detect(markdown=body),
    )
    db.session.add(release)
    db.session.flush()
    for idea in ideas:
        db.session.add(ReleaseItem(release_id=release.id, solution_id=idea.id))
        if idea.status != "prototyped":
            require(can_answer(actor, idea))
            record_status(
                actor, idea, "prototyped", "", tell=False, note_key="shipped", note_params={"version": version}
            )
    record_action(
        actor, "release.publish", release, community=community, after={"version": version, "ideas": len(ideas)}
    )
    notify(None, "release", actor=actor, release=release, detail=version[:40], audience=(STAKE, release.id))
    webhooks.emit(community.id, "release.published", release=release.id)
    return release


@audience(STAKE)
def stake(release_id):
    """Everyone with a stake in any idea the release ships, once."""
    ideas = db.session.execute(
        db.select(Solution)
        .join(ReleaseItem, ReleaseItem.solution_id == Solution.id)
        .where(ReleaseItem.release_id == release_id)
    ).scalars()
    people = set()
    for idea in ideas:
        people |= voter_ids(idea) | follows.follower_ids(idea) | {idea.author_id}
    return people


def releases_of(community, cursor=None):
    stmt = db.select(Release).where(Release.community_id == community.id)
    # Newest published first (release dates are stated by staff and may lag their publication).
    return keyset_page(stmt.options(selectinload(Release.solutions)), [Release.id], cursor, PAGE_SIZE)


def get_release(release_id):
    return get_or_raise(Release, id=release_id)


def shippable(community, limit=200):
    """The ideas a release form offers: the community's not yet shipped, most voted first."""
    return (
        db.session.execute(
            db.select(Solution)
            .where(
                Solution.community_id == community.id,
                Solution.status.in_(SHIPPABLE[:3]),
                Solution.visibility == "public",
            )
            .order_by(Solution.vote_count.desc(), Solution.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
