"""Every page in Simplified Chinese says nothing in English.

The app's URL map is walked for its GET pages (a new page is covered the day it is added), with a
forum made by the factories out of Chinese content, read as a visitor, a fan, staff and an admin
in Chinese. Any Latin word in a text node or in what a user sees of an attribute (aria-label,
placeholder, title, alt, a button's value) fails the test, apart from:

- the names in ALLOWED (the product, formats and the like, which Chinese writes in Latin letters);
- user data that is Latin by nature: user names, e-mail addresses, a community's slug;
- tokens (long runs of letters and digits), paths (/solutions/42), time zones (Asia/Shanghai),
  single letters (v2);
- <code>, <pre>, <script>, <style> and <svg> content, and any element marked lang="en" (what is
  deliberately left in English, e.g. the API's field names and the language switch).
"""

import re
import time
from collections import defaultdict
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from forum.accounts import tokens
from forum.accounts.models import User
from forum.challenges.services import Campaign, post_challenge, set_phase
from forum.clock import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications.models import Notification
from forum.review import prototypes, releases, scoring, status
from forum.solutions import comments, follows, merges, votes
from forum.transaction import unit_of_work
from tests import factories

# Words Chinese text writes in Latin letters. Keep it short: a UI string belongs in the catalog.
ALLOWED = {
    "Cocreate", "API", "Markdown", "URL", "CSV", "XLSX", "JSON", "OpenAPI",
    "HTTP", "UTC", "ISO", "PNG", "JPEG", "WebP", "GIF", "MB", "KB", "Excel",  # protocols, formats, units
    "English",  # the language's own name, where one picks it
    "HyperOS",  # the example of a version name, a real product's
}  # fmt: skip
# Pages that are not pages: files, redirects that only set something, the session's end.
SKIPPED = {
    "static", "media.file", "main.healthz", "main.set_language", "main.set_theme", "accounts.logout", "sharing.qr_code",
}  # fmt: skip
ROLES = ("visitor", "fan", "staff", "admin")
# A sign-in with tests/conftest.py's provider waiting for its username: the visitor holds one, so
# the page that asks for the username is walked with its form (forum/accounts/oidc_views.py).
PENDING_SIGN_IN = {"provider": "brand", "subject": "walker", "email": None, "username": "新粉丝", "next": None}


def walking_client(app, login, users, role):
    """A test client of the role; the visitor's holds PENDING_SIGN_IN."""
    if role != "visitor":
        return login(users[role])
    client = app.test_client()
    with client.session_transaction() as session:
        session["oidc_pending"] = {**PENDING_SIGN_IN, "until": time.time() + 3600}
    return client


LATIN = re.compile(r"[A-Za-z][A-Za-z'’]*")
TOKEN = re.compile(r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}")
# E-mail addresses, paths, and time zones' names (Asia/Shanghai), which are identifiers.
NOT_WORDS = re.compile(r"\S+@\S+|[A-Za-z]+(?:/[A-Za-z_+-]+)+|(?:/[\w.%-]+)+/?")
SKIP_CONTENT = {"code", "pre", "script", "style", "svg", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SEEN_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "aria-description")


class _Reader(HTMLParser):
    """Collects what a reader sees: text nodes and visible attributes, outside the skipped parts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skipped)
        self.seen = []  # (where, text)

    def _skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        skipped = self._skipping() or tag in SKIP_CONTENT or lang.startswith("en")
        if not skipped:
            for name in SEEN_ATTRIBUTES:
                if attrs.get(name):
                    self.seen.append((f"<{tag} {name}>", attrs[name]))
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.seen.append((f"<{tag} value>", attrs["value"]))
            if tag == "meta" and attrs.get("name") == "description" and attrs.get("content"):
                self.seen.append(("<meta description>", attrs["content"]))
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if data.strip() and not self._skipping():
            where = f"<{self.stack[-1][0]}>" if self.stack else "text"
            self.seen.append((where, " ".join(data.split())))


def english_in(html, names=()):
    """[(where, text, words)] of what the page shows in Latin words outside the allow-list."""
    reader = _Reader()
    reader.feed(html)
    allowed = ALLOWED | set(names)
    found = []
    for where, text in reader.seen:
        cleaned = NOT_WORDS.sub(" ", TOKEN.sub(" ", text))
        for name in sorted(names, key=len, reverse=True):
            cleaned = cleaned.replace(name, " ")
        words = [w for w in LATIN.findall(cleaned) if w not in allowed and len(w) > 1]
        if words:
            found.append((where, text, words))
    return found


def test_the_reader_sees_text_and_attributes_but_not_code_or_english_marked_parts():
    html = (
        "<p>你好 <b>Hello</b></p><code>POST /api/v1</code><pre>curl</pre>"
        '<span lang="en">Phase</span><div lang="en"><p>nested <i>too</i></p></div>'
        '<input type="submit" value="Send"><input type="hidden" value="csrf">'
        '<img alt="Photo"><a title="标题" aria-label="Open">x9Fk2LmQ8rTz5vWyA</a><br>'
        "<p>用 Markdown 写，导出 CSV；令牌 Ab3dEf5hIj7kLm9nOp1q</p><p>王小米 fan1</p>"
        "<p>wang@example.com，例如 /solutions/42 或 样机 v2</p>"
    )
    found = english_in(html, names={"fan1"})
    assert [(where, words) for where, _, words in found] == [
        ("<b>", ["Hello"]),
        ("<input value>", ["Send"]),
        ("<img alt>", ["Photo"]),
        ("<a aria-label>", ["Open"]),
    ]


def _forum():
    """A forum in Chinese: a campaign and a fan's problem, solutions in every status (one of
    them through a merge and its undoing, whose note the forum writes itself), reviews,
    prototypes with milestones and events, a release, reports, notifications, a token."""
    community = factories.community(slug="haier-washers", name="海尔洗衣机", description="我们**喜欢**的洗衣机。")
    users = {
        "fan": factories.user("米粉小王", locale="zh_Hans"),
        "staff": factories.user("官方小李", community_roles={community: "staff"}, locale="zh_Hans"),
        "admin": factories.user("管理员老张", site_role="admin", locale="zh_Hans"),
        "product": factories.user("产品小赵", site_role="product", locale="zh_Hans"),
    }
    fan, staff = users["fan"], users["staff"]
    author = factories.user("创客阿强", locale="zh_Hans")
    now = utcnow()
    with unit_of_work():
        campaign = post_challenge(
            staff, community, "洗衣机二次污染", "滚筒里藏着**污垢**。",
            Campaign(submission_ends=now + timedelta(days=10), voting_ends=now + timedelta(days=20),
                     vote_budget=3, review_threshold=2, reward="一台新洗衣机"),
        )  # fmt: skip
        problem = post_challenge(fan, community, "深色衣服上有绒毛", "每次洗完都有灰色的绒毛。")
    ideas = {
        name: factories.solution(author, campaign, title=title, body=body, tags="自清洁")
        for name, title, body in [
            ("open", "蒸汽清洁内筒", "每次洗完用蒸汽冲洗内外筒之间的缝隙。"),
            ("shortlisted", "可拆洗的过滤网", "过滤网可以拆下来冲洗。"),
            ("prototyping", "银离子抗菌涂层", "在内筒涂上银离子涂层。"),
            ("prototyped", "自动排污程序", "每十次洗涤自动排一次污。"),
            ("declined", "每周换一次水管", "水管老化会藏污。"),
            ("merged", "蒸汽冲洗缝隙", "和第一个方案一样。"),
            ("undone", "高温自洁", "九十度空转一次。"),
        ]
    }
    factories.solution(fan, problem, title="更细的过滤网", body="用五十微米的网。")
    with unit_of_work():
        votes.cast_vote(fan, ideas["open"])
        follows.set_following(fan, ideas["prototyping"], True)
        first = comments.add_comment(fan, campaign, "缝隙里确实很脏。", solution=ideas["open"])
        comments.add_comment(author, campaign, "谢谢，我也这么觉得。", solution=ideas["open"], parent=first)
        comments.add_comment(fan, campaign, "这个活动很有意思。")
        moderation.raise_flag(fan, ideas["declined"], "spam", "看起来像广告。")
        for name in ("shortlisted", "prototyping", "prototyped"):
            status.change_status(staff, ideas[name], "shortlisted", "入围了，**恭喜**！")
        status.change_status(staff, ideas["declined"], "declined", "成本太高。")
        scoring.assign(staff, ideas["open"], staff)
        scoring.add_staff_note(staff, ideas["shortlisted"], "下周和实验室讨论。")
    in_review = factories.challenge(staff, community, title="烘干后有异味", body="烘干的衣服有股味道。", vote_budget=2)
    scored = factories.solution(author, in_review, title="烘干前先通风", body="先吹五分钟冷风。")
    with unit_of_work():
        set_phase(staff, in_review, "review")
    with unit_of_work():
        scoring.score(staff, scored, {"feasibility": 4, "impact": 5, "novelty": 3, "cost": 2}, "很实用")
    ideas["scored"] = scored
    with unit_of_work():
        prototype = prototypes.promote(staff, ideas["prototyping"], [staff], "进入样机制作。")
        prototypes.post_update(staff, prototype, "工作坊已举办，样机已完成。")
        event = prototypes.create_event(staff, prototype, "青岛工作坊", now + timedelta(days=9), "青岛", 5)
        prototypes.sign_up(fan, event)
        prototypes.promote(staff, ideas["prototyped"], [staff])
    with unit_of_work():
        release = releases.publish(
            staff, community, "样机 二号", now.date(), "更快的**排污**。", [ideas["prototyped"].id]
        )
        record = merges.merge(staff, ideas["merged"], ideas["open"], "重复的方案。")
        twin = merges.merge(staff, ideas["undone"], ideas["open"])
    with unit_of_work():
        merges.undo(staff, twin)  # the trail of "undone" now holds a note the forum wrote
    token = factories.door(tokens.issue_token, fan, "每周导出")[0]
    notification = db.session.execute(db.select(Notification).filter_by(user_id=fan.id)).scalars().first()
    samples = {
        "slug": community.slug,
        "challenge_id": campaign.id,
        "solution_id": ideas["prototyping"].id,
        "comment_id": first.id,
        "event_id": event.id,
        "merge_id": record.id,
        "release_id": release.id,
        "notification_id": notification.id if notification else 1,
        "user_id": author.id,
        "username": author.username,
        "grant_id": staff.community_roles[0].id,
        "token_id": token.id,
        "kind": "solution",
        "target_id": ideas["open"].id,
        "action": "lock",
        "code": "zh_Hans",
        "token": "not-a-mailed-link",
        "name": "missing.png",
        "filename": "app.css",
        "provider": "brand",
    }
    samples["webhook_id"] = _sample_webhook(community, staff)
    return users, ideas, samples


def _sample_webhook(community, staff):
    """A webhook turned off after failing, with a failed and a delivered attempt in its log (rows
    written directly: the walk sends nothing anywhere)."""
    from forum.webhooks import services as webhooks
    from forum.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent

    hook = factories.door(webhooks.create_webhook, staff, community, "https://hooks.example.com/in", ["vote.created"])
    with unit_of_work():
        hook.webhook.active, hook.webhook.disabled = False, utcnow()
        event = WebhookEvent(community_id=community.id, type="vote.created", subject={}, payload="{}", done=True)
        db.session.add(event)
        db.session.flush()
        sent = WebhookDelivery(webhook_id=hook.webhook.id, event_id=event.id, message_id="msg_walk", state="failed")
        db.session.add(sent)
        db.session.flush()
        for status_code, answer in ((None, "Connection refused"), (200, '{"ok": true}')):
            db.session.add(
                WebhookAttempt(
                    webhook_id=hook.webhook.id,
                    delivery_id=sent.id,
                    event_type="vote.created",
                    status=status_code,
                    ok=status_code == 200,
                    milliseconds=12,
                    response=answer,
                )
            )
    return hook.webhook.id


def _pages(app, samples):
    """(endpoint, url) of every GET page, and of every solution of the sample forum."""
    missing = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint.startswith("api."):
            continue
        unknown = rule.arguments - samples.keys()
        if unknown:
            missing |= {f"{rule.endpoint}: {name}" for name in unknown}
            continue
        yield rule.endpoint, rule.build({name: samples[name] for name in rule.arguments})[1]
    assert not missing, f"give tests/test_chinese_pages.py a sample for: {sorted(missing)}"


def test_every_page_in_chinese_says_nothing_in_english(app, login):
    users, ideas, samples = _forum()
    names = {user.username for user in db.session.execute(db.select(User)).scalars()} | {samples["slug"]}
    pages = list(_pages(app, samples))
    pages += [(f"solutions.detail ({name})", f"/solutions/{idea.id}") for name, idea in ideas.items()]
    pages += [("challenges.detail (problem)", f"/challenges/{samples['challenge_id'] + 1}")]
    pages += [("search.results (q)", "/search?q=洗衣机"), ("admin.audit (all)", "/admin/audit")]
    found = defaultdict(set)  # (where, text, words) -> {role url}
    checked = 0
    for role in ROLES:
        client = walking_client(app, login, users, role)
        for endpoint, url in pages:
            response = client.get(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
            if response.status_code in (301, 302, 303) or "text/html" not in response.content_type:
                continue
            html = response.get_data(as_text=True)
            assert '<html lang="zh-Hans"' in html, f"{role} {url} is not in Chinese"
            checked += 1
            for where, text, words in english_in(html, names):
                found[(where, text, " ".join(words))].add(f"{role} {url} ({endpoint})")
    assert checked > 100
    report = "\n".join(
        f"{where} {text!r} [{words}] on {', '.join(sorted(pages)[:3])}"
        for (where, text, words), pages in sorted(found.items())
    )
    assert not found, f"English on Chinese pages:\n{report}"


def test_the_status_trail_gives_a_system_note_in_chinese(app, client):
    _, ideas, _ = _forum()
    page = client.get(f"/solutions/{ideas['undone'].id}", headers={"Accept-Language": "zh-CN"})
    html = page.get_data(as_text=True)
    assert "合并已撤销。" in html and "The merge was undone." not in html


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_api_page_speaks_the_readers_language_and_keeps_its_paths(client, language):
    html = client.get("/api", headers={"Accept-Language": language}).get_data(as_text=True)
    assert "/api/v1/openapi.json" in html and "Authorization" in html
    if language == "zh-CN":
        assert english_in(html) == []
        # What the catalog lacks shows in English, marked: an operation added without Chinese.
        untranslated = re.findall(r'<span lang="en">([^<]*)</span>', html.split("<main", 1)[1])
        assert untranslated == [], "translate these (forum/main/api_words.py lists them for the catalog)"
