"""Deterministic demo data: the same seed gives the same catalogue, users, posts and streams."""

from __future__ import annotations

import json
import random
from typing import Any

from faker import Faker

from .domains.auth import create_user

__all__ = ["seed"]

CATALOGUE: dict[str, list[str]] = {
    "美妆": ["保湿面霜", "氨基酸洗面奶", "丝绒口红", "玻尿酸精华", "防晒喷雾"],
    "食品": ["云南高山普洱", "五常大米 5kg", "麻辣牛肉干", "坚果礼盒", "新疆阿克苏苹果"],
    "数码": ["降噪蓝牙耳机", "快充移动电源", "机械键盘", "智能手环", "便携投影仪"],
    "服饰": ["纯棉T恤", "羽绒背心", "真丝围巾", "运动跑鞋", "帆布托特包"],
    "家居": ["乳胶枕", "香薰加湿器", "不粘锅套装", "四件套床品", "收纳抽屉柜"],
    "母婴": ["婴儿湿巾", "儿童保温杯", "有机米粉", "纸尿裤 L 码", "益智积木"],
}
BRANDS = ["山野", "拾光", "小满", "青禾", "木槿", "初见", "优选", "鹿屿"]
STREAM_TITLES = ["好物直播间：新品首发", "产地直发·限时拼团", "主播带你逛家居", "周末美妆专场"]
POST_LINES = ["这个真的太好用了，推荐给大家！", "拼团价比平时便宜一半，冲！", "第二次回购了，质量稳定。",
              "朋友推荐的，果然没让我失望。", "直播间抢到的，物流很快。", "包装很用心，送人也合适。"]


def seed(backend: Any, *, seed: int = 42, products: int = 20, users: int = 10, posts: int = 30,
         streams: int = 3) -> dict[str, Any]:
    """Insert (or overwrite) the seeded rows; returns their ids."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    db, now = backend.db, backend.now()
    cats = list(CATALOGUE)
    with db.tx():
        pids = []
        for i in range(products):
            cat = cats[i % len(cats)]
            pid = f"p{i + 1:03d}"
            price = rng.randrange(990, 59900, 100)
            group_size = rng.choice((2, 3, 3, 3, 5))
            images = [f"https://img.wxsim.test/products/{pid}/{n}.jpg" for n in range(1, 4)]
            name = f"{rng.choice(BRANDS)}{rng.choice(CATALOGUE[cat])}"
            db.run("INSERT OR REPLACE INTO products (id, name, description, price, group_price, group_size, stock, "
                   "image, images, category, commission_rate, sales, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   pid, name, fake.sentence(nb_words=12), price, int(price * rng.choice((0.6, 0.7, 0.8))) // 10 * 10,
                   group_size, rng.randrange(50, 500), images[0], json.dumps(images), cat,
                   rng.choice((0.05, 0.08, 0.1, 0.15)), 0, now - (products - i) * 3600)
            pids.append(pid)
        uids = []
        for i in range(users):
            user = create_user(db, f"seed-openid-{seed}-{i}", now - 30 * 86400, fake.name(),
                               f"https://img.wxsim.test/avatars/{i}.png")
            uids.append(user["id"])
        post_ids = []
        for i in range(posts if uids else 0):
            post_id = f"post{i + 1:03d}"
            author = rng.choice(uids)
            product = rng.choice(pids) if pids and rng.random() < 0.7 else None
            images = [f"https://img.wxsim.test/posts/{post_id}/{n}.jpg" for n in range(rng.randrange(0, 4))]
            db.run("INSERT OR REPLACE INTO posts (id, user_id, content, images, product_id, created_at) "
                   "VALUES (?,?,?,?,?,?)", post_id, author, f"{rng.choice(POST_LINES)}{fake.sentence()}",
                   json.dumps(images), product, now - (posts - i) * 1800)
            for liker in rng.sample(uids, rng.randrange(0, len(uids) + 1)):
                db.run("INSERT OR IGNORE INTO post_likes (post_id, user_id, created_at) VALUES (?,?,?)",
                       post_id, liker, now - (posts - i) * 1800 + 60)
            post_ids.append(post_id)
        stream_ids = []
        for i in range(streams):
            sid = f"s{i + 1}"
            status = ("live", "preview", "ended")[i % 3]
            db.run("INSERT OR REPLACE INTO streams (id, title, anchor_name, status, cover_image, created_at) "
                   "VALUES (?,?,?,?,?,?)", sid, STREAM_TITLES[i % len(STREAM_TITLES)], fake.name(), status,
                   f"https://img.wxsim.test/streams/{sid}.jpg", now - i * 600)
            db.run("DELETE FROM stream_products WHERE stream_id=?", sid)
            for pos, pid in enumerate(rng.sample(pids, min(4, len(pids)))):
                db.run("INSERT INTO stream_products (stream_id, product_id, position) VALUES (?,?,?)", sid, pid, pos)
            stream_ids.append(sid)
    return {"seed": seed, "products": pids, "users": uids, "posts": post_ids, "streams": stream_ids}
