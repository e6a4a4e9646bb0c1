"""The social feed: scroll to the end, pull to refresh, like and unlike, share a post, comment, write a post."""

from __future__ import annotations

from _helpers import open_shop, toast_titles, user_id

from mock_wx.rig.journeys import journey

FEED = "/pages/social-feed/social-feed"


@journey(area="feed")
async def scroll_the_feed_to_the_end(sim, alice):
    await open_shop(sim)  # 30 posts
    feed = await alice.launch(FEED)
    assert len(feed.data["posts"]) == 10 and feed.data["hasMore"]
    await feed.reach_bottom()
    await feed.reach_bottom()
    assert len(feed.data["posts"]) == 30
    assert not feed.data["hasMore"]
    assert len({p["id"] for p in feed.data["posts"]}) == 30, "no post twice"

    # At the end, scrolling further asks for nothing more.
    pages_asked = len(await sim.backend.journal(path="/api/social-feed"))
    await feed.reach_bottom()
    assert len(await sim.backend.journal(path="/api/social-feed")) == pages_asked
    assert feed.data["page"] == 3
    assert sim.trace.findings == []


@journey(area="feed")
async def pull_down_shows_the_newest_posts(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    await feed.reach_bottom()
    assert len(feed.data["posts"]) == 20

    # Meanwhile bob posts something new.
    await bob.launch(FEED)
    await sim.backend.post("/api/social-feed", {"content": "刚到的新品，超赞"}, as_user=bob)
    await feed.pull_down()
    assert feed.data["page"] == 1 and len(feed.data["posts"]) == 10
    assert feed.data["posts"][0]["content"] == "刚到的新品，超赞"
    assert alice.ctx.ui.get("pullDownRefresh") is False, "the spinner stops"
    assert sim.trace.findings == []


@journey(area="feed")
async def like_and_unlike_a_post(sim, alice):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    index = next(i for i, p in enumerate(feed.data["posts"]) if not p["liked"])
    post = feed.data["posts"][index]

    await feed.tap("onLikePost", dataset={"id": post["id"], "index": index})
    liked = feed.data["posts"][index]
    assert liked["liked"] and liked["likeCount"] == post["likeCount"] + 1
    assert feed.data["likeAnimId"] == post["id"]
    assert len(feed.data["hearts"]) == 1, "a heart floats up from the button"
    await sim.clock.advance(seconds=1)
    assert feed.data["hearts"] == []

    await feed.tap("onLikePost", dataset={"id": post["id"], "index": index})
    unliked = feed.data["posts"][index]
    assert not unliked["liked"] and unliked["likeCount"] == post["likeCount"]
    fresh = await sim.backend.get(f"/api/social-feed/{post['id']}", as_user=alice)
    assert fresh["likeCount"] == post["likeCount"] and not fresh["liked"]
    assert sim.trace.findings == []


@journey(area="feed")
async def share_a_post_with_a_friend(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    post = feed.data["posts"][2]
    card = await alice.share("button", target_dataset={"id": post["id"], "index": 2})
    assert card.path.startswith("/pages/social-feed/post-detail")
    assert f"id={post['id']}" in card.path
    assert feed.data["posts"][2]["shareCount"] == post["shareCount"] + 1

    page = await bob.open(card)
    assert page.route == "pages/social-feed/post-detail"
    assert page.data["post"]["id"] == post["id"]
    assert page.data["post"]["content"] == post["content"]
    assert sim.trace.findings == []


@journey(area="feed")
async def comment_on_a_post_and_see_the_count_go_up(sim, alice):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    post = feed.data["posts"][0]
    await feed.tap("onCommentPost", dataset={"id": post["id"], "index": 0})
    comments = alice.current_page
    assert comments.route == "pages/social-feed/comments"

    await comments.tap("submitComment")
    assert toast_titles(alice)[-1] == "写点什么吧", "an empty comment is not sent"
    await comments.input("onInput", "质量很好，已下单")
    await comments.tap("submitComment")
    assert "已发布" in toast_titles(alice)
    assert comments.data["comments"][0]["content"] == "质量很好，已下单"
    assert comments.data["draft"] == ""

    feed = await alice.back()
    assert feed.data["posts"][0]["commentCount"] == post["commentCount"] + 1
    stored = await sim.backend.get(f"/api/social-feed/{post['id']}/comments", as_user=alice)
    assert stored["comments"][0]["content"] == "质量很好，已下单"
    assert sim.trace.findings == []


@journey(area="feed")
async def write_a_post_and_find_it_on_top(sim, alice):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    await feed.tap("onCreatePost")
    editor = alice.current_page
    assert editor.route == "pages/social-feed/create-post"

    await editor.input("onInput", "周末拼到的加湿器，推荐！")
    assert editor.data["length"] == 12
    await editor.tap("submitPost")
    assert "发布成功" in toast_titles(alice)
    assert alice.current_page.route == "pages/social-feed/social-feed", "the editor closes itself"
    top = alice.current_page.data["posts"][0]
    assert top["content"] == "周末拼到的加湿器，推荐！"
    assert top["author"]["id"] == user_id(alice)
    assert sim.trace.findings == []


@journey(area="feed")
async def a_shared_post_leads_to_its_product(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    index = next(i for i, p in enumerate(feed.data["posts"]) if p["productId"])
    post = feed.data["posts"][index]
    card = await alice.share("button", target_dataset={"id": post["id"], "index": index})

    page = await bob.open(card)
    assert page.data["product"]["id"] == post["productId"]
    await page.tap("onProductTap")
    detail = bob.current_page
    assert detail.route == "pages/product/detail"
    assert detail.data["from"] == "post"
    assert sim.trace.findings == []


@journey(area="feed")
async def a_friend_likes_and_comments_on_a_shared_post(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    post = feed.data["posts"][0]
    card = await alice.share("button", target_dataset={"id": post["id"], "index": 0})

    page = await bob.open(card, chat="group")
    was_liked = page.data["post"]["liked"]
    await page.tap("onLikePost")
    assert page.data["post"]["liked"] is not was_liked
    await page.tap("onCommentPost")
    comments = bob.current_page
    await comments.input("onInput", "我也想要同款")
    await comments.tap("submitComment")
    detail = await bob.back()
    assert detail.data["comments"][0]["content"] == "我也想要同款", "the post shows the newest comments on return"

    await feed.pull_down()
    assert feed.data["posts"][0]["commentCount"] == post["commentCount"] + 1
    assert sim.trace.findings == []
