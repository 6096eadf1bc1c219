"""The merge picker: the solutions staff may merge a duplicate into, from its duplicate hints and a
search of its challenge's solutions, so nobody has to copy a number out of an address."""

from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.permissions import can_answer, is_staff, require, visible_to
from forum.search import query as search
from forum.solutions.models import Solution

HINTS = 5


@dataclass
class Candidates:
    """What the picker offers: `hints` (the solutions most like the duplicate) and, for a search,
    `found` (one page of the matches), each a list of mergeable solutions, best first."""

    hints: list
    query: str = ""
    found: list = field(default_factory=list)
    page: int = 1
    pages: int = 0
    degraded: bool = False


def merge_candidates(actor, source, text="", page=1):
    """The solutions `source` may be merged into: of its challenge, not itself, not merged away,
    and only those the actor may see. Raises Forbidden for anyone who may not merge it."""
    require(can_answer(actor, source))
    alike = search.similar_solutions(actor, source.challenge, f"{source.title} {source.body}", limit=HINTS + 1)
    candidates = Candidates(hints=_mergeable(actor, source, [hit["id"] for hit in alike])[:HINTS])
    text = search.clean_query(text)
    if text:
        results = search.search(actor, text, kind="solution", page=page, challenge=source.challenge)
        candidates.query, candidates.page, candidates.pages = text, results.page, results.pages
        candidates.found = _mergeable(actor, source, [hit.id for hit in results.hits if hit.type == "solution"])
        candidates.degraded = results.degraded
    return candidates


def mergeable(actor, source, target):
    """Whether the picker would offer `target`: worth asking before merging. The merge service
    stays the judge of the merge itself."""
    return bool(_mergeable(actor, source, [target.id]))


def _mergeable(actor, source, ids):
    """The solutions of `ids` (in their order) that `source` may be merged into. The index follows
    the database a moment later, so what it answered is checked against the rows: a solution
    merged, hidden or moved since is left out."""
    ids = [solution_id for solution_id in dict.fromkeys(ids) if solution_id != source.id]
    if not ids:
        return []
    stmt = (
        db.select(Solution)
        .where(Solution.id.in_(ids), Solution.challenge_id == source.challenge_id, Solution.status != "merged")
        .options(joinedload(Solution.author))
    )
    if not is_staff(actor, source.challenge.community):
        stmt = stmt.where(visible_to(Solution, actor))
    rows = {row.id: row for row in db.session.execute(stmt).scalars()}
    return [rows[solution_id] for solution_id in ids if solution_id in rows]
