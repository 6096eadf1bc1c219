"""Objects as the API sends them: explicit fields only (DESIGN.md's names), times in UTC ISO 8601."""

from flask import url_for

from forum.clock import isoformat as time


def _name(user):
    return user.username if user is not None else None


def community(row):
    return {
        "slug": row.slug,
        "url": url_for("communities.detail", slug=row.slug, _external=True),
        "name": row.name,
        "description": row.description,
    }


def challenge(row):
    return {
        "id": row.id,
        "url": url_for("challenges.detail", challenge_id=row.id, _external=True),
        "community": row.community.slug,
        "title": row.title,
        "body": row.body,
        "phase": row.current_phase(),
        "vote_budget": row.vote_budget,
        "submission_ends": time(row.submission_ends),
        "voting_ends": time(row.voting_ends),
        "solutions": row.solution_count,
        "created": time(row.created),
    }


def solution(row):
    return {
        "id": row.id,
        "url": url_for("solutions.detail", solution_id=row.id, _external=True),
        "challenge": row.challenge_id,
        "title": row.title,
        "body": row.body,
        "tags": [tag.name for tag in row.tags],
        "author": _name(row.author),
        "status": row.status,
        "votes": row.vote_count,
        "comments": row.comment_count,
        "created": time(row.created),
        "edited": time(row.edited),
        "hidden": row.visibility != "public",
    }


def vote(solution_id, voted, votes):
    return {"solution": solution_id, "voted": voted, "votes": votes}


def comment(row):
    return {
        "id": row.id,
        "url": url_for("solutions.detail", solution_id=row.solution_id, _anchor=f"comment-{row.id}", _external=True),
        "body": "" if row.deleted else row.body,
        "author": None if row.deleted else _name(row.author),
        "parent": row.parent_id,
        "created": time(row.created),
    }


def review(row):
    return {
        "id": row.id,
        "reviewer": _name(row.reviewer),
        "feasibility": row.feasibility,
        "impact": row.impact,
        "novelty": row.novelty,
        "cost": row.cost,
        "note": row.note,
    }


def status_change(row):
    return {
        "id": row.id,
        "status": row.to_status,
        # A system note in the request's language, as the API's error messages are.
        "note": row.note_text(),
        "by": _name(row.actor),
        "created": time(row.created),
    }


def prototype_update(row, solution_id):
    return {
        "id": row.id,
        "url": url_for("solutions.detail", solution_id=solution_id, _anchor="prototype", _external=True),
        "body": row.body,
        "author": _name(row.author),
        "created": time(row.created),
    }


def search_result(hit):
    return {
        "type": hit.type,
        "id": hit.id,
        "url": url_for(hit.endpoint, **hit.url_kwargs, _external=True),
        "title": hit.title,
        "snippet": str(hit.snippet),
    }


def token(row, plaintext):
    return {"id": row.id, "name": row.name, "token": plaintext, "created": time(row.created)}


def release(row):
    return {
        "id": row.id,
        "url": url_for("review.release_list", slug=row.community.slug, _anchor=f"release-{row.id}", _external=True),
        "community": row.community.slug,
        "version": row.version,
        "released_on": row.released_on.isoformat(),
        "body": row.body,
        "solutions": [idea.id for idea in row.solutions],
        "created": time(row.created),
    }
