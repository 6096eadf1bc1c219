"""The demo forum's text: Haier's secondary-pollution campaign and Xiaomi fans' requests."""

HAIER_CAMPAIGN = {
    "title": "洗衣机二次污染：怎样让内外桶之间永远干净？ Secondary pollution: keep the drum clean",
    "body": (
        "洗衣机用久了，内桶和外桶之间的夹层会积攒水垢、洗涤剂残留和细菌，"
        "**洗干净的衣服又被弄脏**——这就是困扰洗衣机行业三十年的“二次污染”。\n\n"
        "我们想请大家一起想办法：\n\n"
        "- 怎样让夹层不再藏污纳垢？\n- 怎样让用户知道桶里是否干净？\n- 怎样做到不增加用户的清洁负担？\n\n"
        "After years of use, scale, detergent residue and bacteria build up between the inner and outer drum, "
        "and clean laundry comes out soiled again. Propose your fix: the four best ideas will be built into "
        "sample machines together with Haier's engineers."
    ),
    "vote_budget": 3,
    "review_threshold": 5,
    "reward": "入选方案的作者受邀到青岛与海尔工程师一起制作样机 · Winners build sample machines with our engineers",
}

# (author, title, body, tags)
HAIER_SOLUTIONS = [
    (
        "lin_wei",
        "每次洗涤后用高温蒸汽冲洗夹层",
        "在外桶顶部加一圈蒸汽喷嘴，每次洗涤结束后自动喷 90℃ 蒸汽 2 分钟，把夹层里的洗涤剂残留和细菌一起带走。"
        "蒸汽用水量很少，可以复用烘干模块的加热器。",
        "自清洁, 蒸汽",
    ),
    (
        "maker_anna",
        "A removable inner drum you can rinse under a tap",
        "Make the inner drum lift out like a salad spinner basket, with a bayonet mount. Once a month you take it out "
        "and rinse both drums with a shower head. No chemicals, and you can *see* that it is clean.",
        "design, cleaning",
    ),
    (
        "米粉小王",
        "双层桶之间加装抗菌银离子涂层",
        "外桶内壁和内桶外壁喷涂银离子抗菌涂层，细菌无法在夹层繁殖。成本估算：每台增加约 30 元。",
        "抗菌, 材料",
    ),
    (
        "paul_k",
        "UV-C LEDs in the door seal that run after each cycle",
        "Put a ring of UV-C LEDs behind the door gasket. After the spin cycle, with the door locked, they shine into "
        "the drum gap for ten minutes. UV-C kills 99.9% of bacteria on exposed surfaces.",
        "uv, hygiene",
    ),
    (
        "zhang_min",
        "取消夹层：单桶免清洗结构",
        "既然污垢藏在内外桶之间，那就不要夹层。内桶不开孔，脱水时靠桶口甩水，"
        "水不进入外桶，也就没有可以藏污纳垢的地方。",
        "结构, 免清洗",
    ),
    (
        "wash_maker",
        "Drain the outer tub completely with a second pump",
        "Water that stays in the bottom of the outer tub after draining is where the smell starts. A small second "
        "pump at the lowest point empties it fully, and a fan dries the gap.",
        "drainage",
    ),
    ("eco_li", "内衣和外衣分桶洗", "用两个小内桶代替一个大内桶，贴身衣物和外衣分开洗，从源头减少交叉污染。", "分区洗"),
    (
        "maker_anna",
        "A window into the gap between the drums",
        "Users cannot see the dirt, so they never clean. A small transparent window on the side panel shows the "
        "outer tub. Seeing is believing, and it shows the self-cleaning works.",
        "design, transparency",
    ),
    (
        "lin_wei",
        "洗涤剂智能投放，减少残留",
        "很多残留来自投放过量的洗涤剂。根据衣物重量和水质自动计算用量，残留少了，夹层的污垢也就少了。",
        "智能投放",
    ),
    (
        "paul_k",
        "Ozone rinse for the detergent drawer and hoses",
        "The drawer and hoses grow mould too. Run ozonated water through them once a week.",
        "ozone, hygiene",
    ),
    (
        "eco_li",
        "桶壁纳米疏水涂层，污垢不附着",
        "借鉴不粘锅和荷叶效应，在桶壁使用疏水涂层，水垢和污渍很难附着，冲一冲就掉。",
        "材料, 涂层",
    ),
    (
        "zhang_min",
        "A dirt sensor in the drain and a reminder in the app",
        "Measure the turbidity of the rinse water. When the drum gap is dirty the water says so: the app reminds "
        "you to run the cleaning programme, instead of a blind monthly reminder.",
        "sensor, app",
    ),
]

# (voter, index of solution in HAIER_SOLUTIONS) — each voter uses at most the budget of 3.
HAIER_VOTES = [
    ("maker_anna", 0),
    ("maker_anna", 4),
    ("maker_anna", 11),
    ("米粉小王", 0),
    ("米粉小王", 1),
    ("米粉小王", 3),
    ("paul_k", 0),
    ("paul_k", 4),
    ("paul_k", 1),
    ("zhang_min", 0),
    ("zhang_min", 1),
    ("zhang_min", 3),
    ("wash_maker", 0),
    ("wash_maker", 4),
    ("wash_maker", 7),
    ("eco_li", 1),
    ("eco_li", 4),
    ("eco_li", 5),
    ("lin_wei", 1),
    ("lin_wei", 3),
    ("lin_wei", 11),
]

# (author, index of solution, body, index of the comment replied to or None)
HAIER_COMMENTS = [
    ("maker_anna", 0, "蒸汽会不会让橡胶密封圈老化得更快？", None),
    ("lin_wei", 0, "好问题。蒸汽只在外桶顶部喷，密封圈用耐高温的 EPDM 材料就可以。", 0),
    ("paul_k", 1, "Love this. How heavy is a wet drum, though?", None),
    ("maker_anna", 1, "About 4 kg empty; the handles would need to be on the rim.", 2),
    ("zhang_min", 3, "UV 只能照到表面，夹层深处照不到吧？", None),
]

XIAOMI_PROBLEMS = [
    (
        "米粉小王",
        "通知栏图标太多，希望可以合并同类通知",
        "每天收到几十条通知，状态栏全是图标，重要的消息反而看不到。希望能按应用类型自动合并。",
        [
            (
                "eco_li",
                "按重要程度分三档显示",
                "重要通知单独显示，普通通知折叠成一个图标，营销类通知直接进入通知中心。",
                "通知",
            )
        ],
    ),
    (
        "paul_k",
        "Battery drains overnight with Wi-Fi on",
        "My phone loses 15% overnight on Wi-Fi, only 3% in airplane mode. Something keeps waking the radio.",
        [
            (
                "maker_anna",
                "Show which app woke the phone, per hour",
                "A battery screen that lists wake-ups per app and per hour would let us find the culprit ourselves.",
                "battery",
            )
        ],
    ),
]
