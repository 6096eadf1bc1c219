"""`flask seed-bench`: a large, realistic forum for benchmarks, written with bulk inserts.

Counts kept on rows (votes, comments, solutions) are computed while generating, so the seeded
forum is consistent with what the services would have produced.
"""

import itertools
import random
import secrets
import time
from datetime import timedelta

from werkzeug.security import generate_password_hash

from forum import text
from forum.accounts.models import User
from forum.challenges.models import Challenge
from forum.clock import utcnow
from forum.communities.models import Community
from forum.extensions import db
from forum.solutions.models import Comment, Solution, Vote
from forum.solutions.ranking import hot_score

BATCH = 5000
ZH = ["洗衣机", "二次污染", "内桶", "外桶", "夹层", "自清洁", "蒸汽", "滤网", "排水", "异味", "电池", "续航", "充电",
      "屏幕", "相机", "夜景", "对焦", "通知", "路由器", "信号", "缓存", "系统更新", "手环", "睡眠", "心率", "耳机",
      "降噪", "空调", "冰箱", "保鲜", "噪音", "能耗", "传感器", "按键", "说明书", "售后", "安装", "维修"]  # fmt: skip
ZH_GLUE = ["的", "了", "和", "在", "希望", "建议", "能不能", "问题是", "如果", "因为", "所以", "我觉得", "每次", "经常"]
EN = ["washing machine", "drum", "filter", "steam", "battery life", "camera", "night mode", "notification",
      "router", "signal", "update", "screen", "charging", "sleep tracking", "noise", "fridge", "sensor",
      "cleaning cycle", "water usage", "app", "setting", "reminder", "button", "manual", "repair"]  # fmt: skip
EN_GLUE = ["please add", "it would help if", "the problem is", "I suggest", "when I use", "after a week",
           "could we get", "my family needs", "it often fails when", "a simple fix:"]  # fmt: skip


# Real forums draw on thousands of words with a long tail (Zipf): a few are everywhere, most are
# rare. The product words above take ranks 30 to about 100 of a vocabulary of some 4,000 generated
# words, so a product query matches a few per cent of posts, as on a real forum, not a fifth.
ZH_CHARS = (
    "安保备背本比边变表别并不部才材彩菜参测层产长常车成程池充出处传窗创磁次存错大带单导灯底点电调动读短对"
    "多二发法反方房防放飞分风封服干感高格工功共固关管光广过海含号合和黑红厚后湖户护花化环换黄灰回会活火机"
    "积级集计记加家价架间检简建键江交胶接节结解金紧近进净镜旧局卡开看靠可空口快宽框垃蓝老冷离理力立连亮量"
    "料灵流楼路绿轮马满毛门面明模目内能泥年暖排盘泡配片平瓶屏普气汽器前强桥清轻区圈全热人容软色扇上设声失"
    "湿时实式室手书输数刷水顺说速塑酸台太套体天条铁听通桶透图涂土网微温文稳洗系细线箱响小效新信形型性修需"
    "选压烟颜眼样药一移音银用油有语园远云运再噪站照折真整正支纸制智中钟重轴主住转装状自组"
)
EN_ROOTS = ["air", "back", "band", "base", "belt", "blue", "board", "body", "bolt", "box", "cable", "cap", "card",
            "case", "cell", "chip", "clip", "coil", "cold", "cord", "core", "cover", "dial", "disk", "dock", "door",
            "drive", "dust", "edge", "fan", "film", "flow", "foam", "fold", "frame", "fuse", "gear", "glass", "grid",
            "grip", "guard", "heat", "hinge", "hook", "hose", "key", "lamp", "lens", "lid", "light", "line", "lock",
            "loop", "mesh", "mode", "motor", "pad", "pane", "part", "pin", "pipe", "plug", "port", "power", "press",
            "pump", "rack", "rail", "ring", "roll", "seal", "shell", "shield", "slot", "spin", "spring", "strap",
            "tab", "tank", "tape", "tube", "valve", "vent", "wheel", "wire"]  # fmt: skip
EN_ENDINGS = ["", "er", "ing", "less", "ful", "ness", "ment", "ity", "able", "ward"]


def _vocabulary(words, extra, rng):
    """`words` at ranks 30 onwards inside a long list of generated ones, with Zipf weights."""
    generated = list(dict.fromkeys(extra))
    rng.shuffle(generated)
    ranked = generated[:30] + list(words) + generated[30:]
    weights = [1 / (rank + 1) for rank in range(len(ranked))]
    return ranked, list(itertools.accumulate(weights))


_vocab_rng = random.Random(11)  # noqa: S311  (repeatable test data, not secrets)
ZH_VOCAB = _vocabulary(
    ZH,
    ["".join(_vocab_rng.sample(ZH_CHARS, _vocab_rng.choice((2, 2, 3)))) for _ in range(4000)],
    _vocab_rng,
)
EN_VOCAB = _vocabulary(EN, [root + ending for root in EN_ROOTS for ending in EN_ENDINGS], _vocab_rng)


def _word(rng, vocabulary):
    words, cumulative = vocabulary
    return rng.choices(words, cum_weights=cumulative)[0]


def sentence(rng):
    if rng.random() < 0.55:
        return "".join(rng.choice(ZH_GLUE) + _word(rng, ZH_VOCAB) for _ in range(rng.randint(2, 5))) + "。"
    parts = (f"{rng.choice(EN_GLUE)} {_word(rng, EN_VOCAB)}" for _ in range(rng.randint(1, 3)))
    return " ".join(parts).capitalize() + "."


def paragraph(rng, sentences):
    return " ".join(sentence(rng) for _ in range(sentences))


def seed(communities, challenges, solutions, votes, comments, users, echo=print, rng_seed=42):
    rng = random.Random(rng_seed)  # noqa: S311  (repeatable test data, not secrets)
    started = time.perf_counter()
    now = utcnow()
    timings = {}

    def lap(name, t0):
        timings[name] = time.perf_counter() - t0
        echo(f"  {name}: {timings[name]:.1f} s")

    t0 = time.perf_counter()
    password = generate_password_hash(secrets.token_urlsafe(12))  # nobody logs in as a bench user
    tag = secrets.token_hex(3)  # lets seed-bench run twice on one database
    user_ids = _bulk(User, ({"username": f"b{tag}{i}", "username_key": f"b{tag}{i}", "email": f"b{tag}{i}@example.com",
                             "password_hash": password, "site_role": "fan", "session_token": secrets.token_urlsafe(24),
                             "created": now - timedelta(days=400), "unread_notifications": 0, "trusted": True}
                            for i in range(users)), ids=True)  # fmt: skip
    lap("users", t0)

    t0 = time.perf_counter()
    community_ids = _bulk(Community, ({"slug": f"bench-{tag}-{i}", "name": f"Bench community {i} · 测试社区 {i}",
                                       "description": "", "description_html": "", "created": now, "updated": now,
                                       "flag_threshold": 3, "hold_first_posts": False}
                                      for i in range(communities)), ids=True)  # fmt: skip
    lap("communities", t0)

    # Solutions per challenge and votes per solution follow long tails, like real forums.
    per_challenge = _spread(rng, solutions, challenges)
    per_solution = _spread(rng, votes, solutions, shape=1.2, cap=users)
    comments_per = _spread(rng, comments, solutions, shape=1.5)

    t0 = time.perf_counter()
    challenge_rows = []
    offset = 0
    for i in range(challenges):
        community_id = community_ids[i % communities]
        created = now - timedelta(minutes=rng.randint(60, 500_000))
        count = per_challenge[i]
        vote_total = sum(per_solution[offset : offset + count])
        offset += count
        body = paragraph(rng, 4)
        challenge_rows.append({
            "community_id": community_id, "author_id": rng.choice(user_ids), "title": sentence(rng)[:180],
            "body": body, "body_html": text.render(body), "is_campaign": i % 5 == 0, "phase": "submission",
            "solution_count": count, "vote_count": vote_total, "comment_count": 0, "follower_count": 0,
            "hot": hot_score(vote_total, created), "visibility": "public", "locked": False, "created": created,
            "updated": created})  # fmt: skip
    challenge_ids = _bulk(Challenge, challenge_rows, ids=True)
    challenge_community = {cid: row["community_id"] for cid, row in zip(challenge_ids, challenge_rows, strict=True)}
    lap("challenges", t0)

    t0 = time.perf_counter()
    solution_rows, index = [], 0
    for i in range(challenges):
        cid = challenge_ids[i]
        for _ in range(per_challenge[i]):
            created = now - timedelta(minutes=rng.randint(1, 400_000))
            body = paragraph(rng, rng.randint(2, 6))
            status = rng.choices(["open", "shortlisted", "declined", "prototyping"], [90, 6, 3, 1])[0]
            solution_rows.append({
                "challenge_id": cid, "community_id": challenge_community[cid], "author_id": rng.choice(user_ids),
                "title": sentence(rng)[:180], "body": body, "body_html": f"<p>{body}</p>\n", "status": status,
                "vote_count": per_solution[index], "comment_count": comments_per[index], "follower_count": 0,
                "hot": hot_score(per_solution[index], created), "visibility": "public", "locked": False,
                "created": created, "updated": created})  # fmt: skip
            index += 1
    solution_ids = _bulk(Solution, solution_rows, ids=True)
    lap("solutions", t0)

    t0 = time.perf_counter()
    solution_challenge = [row["challenge_id"] for row in solution_rows]

    def vote_rows():
        for i, count in enumerate(per_solution):
            start = rng.randrange(users)
            for j in range(count):
                yield {"solution_id": solution_ids[i], "challenge_id": solution_challenge[i],
                       "user_id": user_ids[(start + j) % users], "created": now}  # fmt: skip

    _bulk(Vote, vote_rows())
    lap("votes", t0)

    t0 = time.perf_counter()

    def comment_rows():
        for i, count in enumerate(comments_per):
            for _ in range(count):
                body = sentence(rng)
                created = now - timedelta(minutes=rng.randint(1, 9000))
                yield {"challenge_id": solution_challenge[i], "solution_id": solution_ids[i],
                       "author_id": rng.choice(user_ids), "body": body, "body_html": f"<p>{body}</p>\n",
                       "deleted": False, "visibility": "public", "created": created}  # fmt: skip

    _bulk(Comment, comment_rows())
    lap("comments", t0)
    timings["total"] = time.perf_counter() - started
    return timings


def _spread(rng, total, buckets, shape=1.0, cap=None):
    """`total` items over `buckets` with a long tail, at most `cap` in a bucket."""
    if buckets == 0:
        return []
    weights = [rng.paretovariate(shape) for _ in range(buckets)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    if cap is not None:
        counts = [min(c, cap) for c in counts]
    spare = total - sum(counts)
    i = 0
    while spare > 0 and (cap is None or i < buckets * 2):
        if cap is None or counts[i % buckets] < cap:
            counts[i % buckets] += 1
            spare -= 1
        i += 1
    return counts


def _bulk(model, rows, ids=False):
    """Insert rows in batches, committing as it goes; with ids=True return the new ids in order."""
    new_ids, batch = [], []

    def flush():
        if ids:
            result = db.session.execute(db.insert(model).returning(model.id, sort_by_parameter_order=True), batch)
            new_ids.extend(result.scalars())
        else:
            db.session.execute(db.insert(model), batch)
        db.session.commit()

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
            batch = []
    if batch:
        flush()
    return new_ids
