"""A refused form says so where screen-reader and keyboard users look: "Error:" first in the title,
a summary first in the form (role=alert, one link per field in error, the form's own messages), and
each field in error marked aria-invalid and described by its message. One page never holds two
elements with the same id, and no select is `required` without an empty first option."""

from collections import Counter
from html.parser import HTMLParser

import pytest

from forum.challenges.services import set_phase
from forum.solutions import comments
from tests import factories


class _Page(HTMLParser):
    """What these tests read of a page: its title, its elements by id, the summary's links."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title, self.ids, self.elements = "", Counter(), []
        self.summaries, self.links, self.items = 0, [], []
        self.selects = []  # [the select's attributes, its first option's (value, text)]
        self._in_title = self._summary_depth = 0
        self._open = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "title":
            self._in_title = True
        if tag == "select":
            self.selects.append([attrs, None])
        if tag == "option" and self.selects and self.selects[-1][1] is None:
            self.selects[-1][1] = [attrs.get("value"), ""]
        if "data-error-summary" in attrs:
            self.summaries += 1
            assert attrs.get("role") == "alert" and attrs.get("tabindex") == "-1"
            self._summary_depth = 1
        elif self._summary_depth and tag not in ("input", "br", "img"):
            self._summary_depth += 1
        if self._summary_depth and tag == "a":
            self.links.append(attrs.get("href", ""))
        if self._summary_depth and tag == "li":
            self.items.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self._summary_depth:
            self._summary_depth -= 1

    def handle_data(self, data):
        if self.selects and self.selects[-1][1] is not None and self.lasttag == "option":
            self.selects[-1][1][1] += data.strip()
        if self._in_title:
            self.title += data
        if self._summary_depth and self.items:
            self.items[-1] += data

    def bad_selects(self):
        """Required selects whose first option is a real choice (an HTML checker error)."""
        return [attrs for attrs, first in self.selects if "required" in attrs and first and (first[0] and first[1])]

    def by_id(self, id_):
        return next(attrs for _tag, attrs in self.elements if attrs.get("id") == id_)


def check_refused(response, fields, prefix="Error: "):
    """The page refuses the form: the title, the summary linking to each of `fields` (their ids),
    those fields marked invalid and described by their message, every id once."""
    assert response.status_code in (200, 400, 422), response.status_code
    page = _Page(response.get_data(as_text=True))
    assert page.title.startswith(prefix), page.title
    assert page.summaries >= 1, "no error summary"
    assert [count for count in page.ids.values() if count > 1] == [], page.ids.most_common(3)
    for href in page.links:
        assert href.startswith("#") and page.ids[href[1:]] == 1, href
    assert {href[1:] for href in page.links} >= set(fields), page.links
    for id_ in fields:
        attrs = page.by_id(id_)
        assert attrs.get("aria-invalid") == "true", (id_, attrs)
        assert attrs.get("aria-describedby") == f"{id_}-error", (id_, attrs)
        assert page.ids[f"{id_}-error"] == 1
    assert page.bad_selects() == []
    return page


@pytest.fixture
def forum(app, community, users):
    challenge = factories.challenge(users["staff"], community, title="Laundry smells")
    solution = factories.solution(users["fan"], challenge, title="Steam the drum")
    return {"challenge": challenge, "solution": solution}


def test_a_visitors_forms_come_back_with_a_summary(client):
    check_refused(client.post("/register", data={}), ["username", "email", "password", "confirm"])
    check_refused(client.post("/login", data={}), ["login", "password"])
    check_refused(client.post("/password/forgot", data={}), ["login"])


def test_a_wrong_password_is_in_the_summary_though_no_field_is_named(client, users):
    page = check_refused(client.post("/login", data={"login": "fan", "password": "not the password"}), [])
    assert page.items and all(item.strip() for item in page.items)


def test_settings_forms_come_back_with_a_summary(users, login):
    fan = login(users["fan"])
    check_refused(fan.post("/account/password", data={}), ["current_password", "password", "confirm"])
    check_refused(fan.post("/account/tokens", data={}), ["token-name", "token-current_password"])
    check_refused(fan.post("/account/email", data={}), ["address-email", "address-current_password"])
    check_refused(fan.post("/account/time-zone", data={"zone-time_zone": "x" * 300}), ["zone-time_zone"])


def test_a_wrong_current_password_is_tied_to_its_field(users, login):
    answer = login(users["fan"]).post(
        "/account/tokens", data={"token-name": "script", "token-current_password": "wrong"}
    )
    page = check_refused(answer, ["token-current_password"])
    assert 'value="script"' in answer.get_data(as_text=True)  # what was typed is kept
    assert len(page.links) == 1


def test_posting_forms_come_back_with_a_summary(forum, community, users, login):
    fan = login(users["fan"])
    challenge, solution = forum["challenge"], forum["solution"]
    check_refused(fan.post(f"/challenges/{challenge.id}/solutions/new", data={}), ["title", "body"])
    check_refused(fan.post(f"/solutions/{solution.id}/edit", data={"title": "", "body": ""}), ["title", "body"])
    check_refused(fan.post(f"/c/{community.slug}/challenges/new", data={}), ["title", "body"])
    check_refused(fan.post(f"/solutions/{solution.id}/comments", data={"body": ""}), ["body"])
    check_refused(fan.post(f"/challenges/{challenge.id}/comments", data={"body": ""}), ["body"])
    comment = factories.door(comments.add_comment, users["fan"], challenge, "First!", solution)
    check_refused(fan.post(f"/comments/{comment.id}/edit", data={"body": ""}), ["body"])
    check_refused(fan.post(f"/report/solution/{solution.id}", data={}), ["reason"])


def test_a_campaigns_wrong_numbers_are_each_linked(community, users, login):
    staff = login(users["staff"])
    answer = staff.post(
        f"/c/{community.slug}/challenges/new",
        data={"title": "Campaign", "body": "Body", "is_campaign": "y", "vote_budget": "0", "review_threshold": "x"},
    )
    check_refused(answer, ["vote_budget", "review_threshold"])


def test_staff_forms_come_back_with_a_summary(forum, community, users, login):
    staff = login(users["staff"])
    solution = forum["solution"]
    set_phase_door = factories.door
    set_phase_door(set_phase, users["staff"], forum["challenge"], "review")
    page = check_refused(
        staff.post(f"/solutions/{solution.id}/review", data={}),
        ["review-feasibility", "review-impact", "review-novelty", "review-cost"],
    )
    assert len(page.links) == 4
    check_refused(staff.post(f"/solutions/{solution.id}/status", data={"status": "nonsense"}), ["status"])
    check_refused(staff.post(f"/c/{community.slug}/releases/new", data={}), ["version", "released_on"])
    check_refused(
        staff.get(f"/c/{community.slug}/export", query_string={"format": "csv", "min_votes": "-4"}), ["min_votes"]
    )


def test_admin_forms_come_back_with_a_summary(community, users, login):
    admin = login(users["admin"])
    check_refused(admin.post("/admin/communities/new", data={}), ["slug", "name"])
    fan = users["fan"]
    check_refused(admin.post(f"/admin/users/{fan.id}/site-role", data={"role": "emperor"}), ["role"])
    check_refused(admin.post(f"/admin/users/{fan.id}/roles", data={"grant-role": "emperor"}), ["grant-role"])


def test_in_chinese_the_title_and_the_summary_are_chinese(app, users, login):
    factories.user("chen", locale="zh_Hans")
    member = login(type("Member", (), {"username": "chen"})())
    page = check_refused(member.post("/account/password", data={}), ["current_password"], prefix="错误：")
    assert "提交未成功" in member.post("/account/password", data={}).get_data(as_text=True)
    assert page.items
    visitor = app.test_client()
    visitor.get("/language/zh_Hans")
    check_refused(visitor.post("/register", data={}), ["username"], prefix="错误：")


def test_a_page_without_errors_keeps_its_title_and_has_no_summary(client):
    page = _Page(client.get("/login").get_data(as_text=True))
    assert not page.title.startswith("Error") and page.summaries == 0


def test_a_page_with_two_forms_has_one_of_each_id(forum, users, login):
    # The solution's page holds the comment form and, for staff, the status form: both have a button
    # named `submit`.
    page = _Page(login(users["staff"]).get(f"/solutions/{forum['solution'].id}").get_data(as_text=True))
    assert [id_ for id_, count in page.ids.items() if count > 1] == []
    assert page.bad_selects() == []


def test_a_refused_milestone_or_event_comes_back_with_what_was_typed(forum, users, login):
    from forum.review import prototypes, status

    solution = forum["solution"]
    factories.door(status.change_status, users["staff"], solution, "shortlisted", "")
    factories.door(prototypes.promote, users["staff"], solution, [users["staff"]])
    staff = login(users["staff"])
    check_refused(staff.post(f"/solutions/{solution.id}/updates", data={"update-body": ""}), ["update-body"])
    answer = staff.post(f"/solutions/{solution.id}/events", data={"event-title": "Workshop", "event-seats": "0"})
    check_refused(answer, ["event-starts", "event-place", "event-seats"])
    assert 'value="Workshop"' in answer.get_data(as_text=True)


def test_refused_moderation_settings_come_back_on_the_queue(community, users, login):
    answer = login(users["staff"]).post(f"/c/{community.slug}/moderation/settings", data={"flag_threshold": "0"})
    check_refused(answer, ["flag_threshold"])
    assert 'value="0"' in answer.get_data(as_text=True)
