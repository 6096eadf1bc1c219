"""The JSON each event is delivered as, the Standard Webhooks shape:
`{"type": "vote.created", "timestamp": "...", "data": {...}}`, with the objects in `data` as the
API serializes them (forum/api/serializers.py: the same ids, urls and field names).

Built by the consumer from the ids the event names, once per event (every hook and every retry
gets the same bytes); links point at BASE_URL, never at a request's host."""

import json

from flask import current_app

from forum.api import serializers
from forum.challenges.models import Challenge
from forum.clock import isoformat
from forum.extensions import db
from forum.review.models import PrototypeUpdate, Release, StatusChange
from forum.solutions.models import Comment, Solution
from forum.webhooks.models import TEST_EVENT


class Gone(Exception):
    """An object the event names no longer exists: the event is dropped."""


def build(event):
    """(payload text, the objects whose visibility decides who may receive it). Raises Gone."""
    subject = event.subject or {}
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        data, seen = _data(event.type, subject)
        payload = {"type": event.type, "timestamp": isoformat(event.created), "data": data}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")), seen


def _get(model, object_id):
    row = db.session.get(model, object_id) if object_id is not None else None
    if row is None:
        raise Gone(f"{model.__name__} {object_id}")
    return row


def _data(kind, subject):
    if kind == TEST_EVENT:
        return {"webhook": {"id": subject["webhook"], "community": subject["community"]}}, []
    if kind.startswith("challenge."):
        challenge = _get(Challenge, subject.get("challenge"))
        data = {"challenge": serializers.challenge(challenge)}
        if kind == "challenge.phase_changed":
            data["previous_phase"] = subject.get("previous_phase")
        return data, [challenge]
    if kind == "comment.created":
        comment = _get(Comment, subject.get("comment"))
        solution = db.session.get(Solution, comment.solution_id) if comment.solution_id else None
        data = {
            "comment": {**serializers.comment(comment), "challenge": comment.challenge_id},
            "solution": serializers.solution(solution) if solution is not None else None,
        }
        return data, [comment, comment.challenge, *([solution] if solution is not None else [])]
    if kind == "release.published":
        return {"release": serializers.release(_get(Release, subject.get("release")))}, []
    solution = _get(Solution, subject.get("solution"))
    seen = [solution, solution.challenge]
    data = {"solution": serializers.solution(solution)}
    if kind == "solution.status_changed":
        data["previous_status"] = subject.get("previous_status")
        data["status_change"] = serializers.status_change(_get(StatusChange, subject.get("status_change")))
    elif kind == "solution.merged":
        into = _get(Solution, subject.get("into"))
        data["into"] = serializers.solution(into)
        seen.append(into)
    elif kind in ("vote.created", "vote.removed"):
        data["vote"] = serializers.vote(solution.id, kind == "vote.created", solution.vote_count)
    elif kind == "prototype.updated":
        data["update"] = serializers.prototype_update(_get(PrototypeUpdate, subject.get("update")), solution.id)
    return data, seen
