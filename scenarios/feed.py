"""The social feed: scroll to the end, pull to refresh, like and unlike, share a post, comment, write a post."""

from __future__ import annotations

from _helpers import open_shop, shows, tap_text, toast_titles, user_id

from mock_wx.rig.journeys import journey

FEED = "/pages/social-feed/social-feed"


def posts(feed) -> list:
    """The post cards the feed shows, top first."""
    return feed.get_elements(".post")


def first_heart(feed):
    """The like button (♡ 12) of the first post alice has not liked yet."""
    return next(el for el in feed.get_elements(".actions .action") if el.text.startswith("♡"))


@journey(area="feed")
async def scroll_the_feed_to_the_end(sim, alice):
    await open_shop(sim)  # 30 posts
    feed = await alice.launch(FEED)
    assert len(posts(feed)) == 10 and not shows(feed, "没有更多了")
    await feed.reach_bottom()
    await feed.reach_bottom()
    assert len(posts(feed)) == 30
    assert shows(feed, "没有更多了")
    assert len({post.get_element(".content").dataset["id"] for post in posts(feed)}) == 30, "no post twice"

    # At the end, scrolling further asks for nothing more.
    pages_asked = len(await sim.backend.journal(path="/api/social-feed"))
    await feed.reach_bottom()
    assert len(await sim.backend.journal(path="/api/social-feed")) == pages_asked
    assert len(posts(feed)) == 30
    assert sim.trace.findings == []


@journey(area="feed")
async def pull_down_shows_the_newest_posts(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    await feed.reach_bottom()
    assert len(posts(feed)) == 20

    # Meanwhile bob posts something new.
    await bob.launch(FEED)
    await sim.backend.post("/api/social-feed", {"content": "刚到的新品，超赞"}, as_user=bob)
    await feed.pull_down()
    assert len(posts(feed)) == 10
    assert posts(feed)[0].get_element(".content").text == "刚到的新品，超赞"
    assert alice.ctx.ui.get("pullDownRefresh") is False, "the spinner stops"
    assert sim.trace.findings == []


@journey(area="feed")
async def like_and_unlike_a_post(sim, alice):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    heart = first_heart(feed)
    post_id = heart.dataset["id"]
    likes = int(heart.text.split()[1])

    await heart.tap()
    assert heart.text == f"♥ {likes + 1}"
    assert heart.attribute("animation"), "the button pops"
    assert len(feed.get_elements(".heart")) == 1, "a heart floats up from the button"
    await sim.clock.advance(seconds=1)
    assert feed.get_elements(".heart") == []

    await heart.tap()
    assert heart.text == f"♡ {likes}"
    fresh = await sim.backend.get(f"/api/social-feed/{post_id}", as_user=alice)
    assert fresh["likeCount"] == likes and not fresh["liked"]
    assert sim.trace.findings == []


@journey(area="feed")
async def share_a_post_with_a_friend(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    post = posts(feed)[2]
    share = post.get_element("button.share")
    shares = int(share.text.split()[1])
    card = await share.tap()
    assert card.path.startswith("/pages/social-feed/post-detail")
    assert f"id={share.dataset['id']}" in card.path
    assert share.text == f"分享 {shares + 1}"

    page = await bob.open(card)
    assert page.route == "pages/social-feed/post-detail"
    assert page.get_element(".content").text == post.get_element(".content").text
    assert sim.trace.findings == []


@journey(area="feed")
async def comment_on_a_post_and_see_the_count_go_up(sim, alice):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    comment_button = posts(feed)[0].get_element(".action", text_contains="评论")
    post_id = comment_button.dataset["id"]
    count = int(comment_button.text.split()[1])
    await comment_button.tap()
    comments = alice.current_page
    assert comments.route == "pages/social-feed/comments"

    await tap_text(comments, "发送")
    assert toast_titles(alice)[-1] == "写点什么吧", "an empty comment is not sent"
    await comments.get_element("input").input("质量很好，已下单")
    await tap_text(comments, "发送")
    assert "已发布" in toast_titles(alice)
    assert comments.get_element(".comment .text").text == "质量很好，已下单"
    assert comments.get_element("input").value == ""

    feed = await alice.back()
    assert posts(feed)[0].get_element(".action", text_contains="评论").text == f"评论 {count + 1}"
    stored = await sim.backend.get(f"/api/social-feed/{post_id}/comments", as_user=alice)
    assert stored["comments"][0]["content"] == "质量很好，已下单"
    assert sim.trace.findings == []


@journey(area="feed")
async def write_a_post_and_find_it_on_top(sim, alice):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    await feed.get_element(".fab").tap()
    editor = alice.current_page
    assert editor.route == "pages/social-feed/create-post"

    await editor.get_element("textarea").input("周末拼到的加湿器，推荐！")
    assert editor.get_element(".count").text.startswith("12/")
    await tap_text(editor, "发布")
    assert "发布成功" in toast_titles(alice)
    assert alice.current_page.route == "pages/social-feed/social-feed", "the editor closes itself"
    top = posts(alice.current_page)[0]
    assert top.get_element(".content").text == "周末拼到的加湿器，推荐！"
    mine = await sim.backend.get(f"/api/social-feed/{top.get_element('.content').dataset['id']}", as_user=alice)
    assert mine["author"]["id"] == user_id(alice)
    assert sim.trace.findings == []


@journey(area="feed")
async def a_shared_post_leads_to_its_product(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    listing = await sim.backend.get("/api/social-feed", params={"page": 1, "limit": 10}, as_user=alice)
    index = next(i for i, p in enumerate(listing["posts"]) if p["productId"])
    product = await sim.backend.get(f"/api/products/{listing['posts'][index]['productId']}")
    card = await posts(feed)[index].get_element("button.share").tap()

    page = await bob.open(card)
    linked = page.get_element("product-card")
    assert linked.get_element(".name").text == product["name"]
    await linked.tap()
    detail = bob.current_page
    assert detail.route == "pages/product/detail"
    assert detail.get_element(".name").text == product["name"]
    assert detail.data["from"] == "post"
    assert sim.trace.findings == []


@journey(area="feed")
async def a_friend_likes_and_comments_on_a_shared_post(sim, alice, bob):
    await open_shop(sim)
    feed = await alice.launch(FEED)
    count = int(posts(feed)[0].get_element(".action", text_contains="评论").text.split()[1])
    card = await posts(feed)[0].get_element("button.share").tap()

    page = await bob.open(card, chat="group")
    heart = page.get_element(".actions .action")
    was_liked = heart.text.startswith("♥")
    await heart.tap()
    assert heart.text.startswith("♡" if was_liked else "♥")
    await tap_text(page, "评论", ".actions .action")
    comments = bob.current_page
    await comments.get_element("input").input("我也想要同款")
    await tap_text(comments, "发送")
    detail = await bob.back()
    assert detail.get_element(".comment").text.endswith("：我也想要同款"), "the post shows the newest comments on return"

    await feed.pull_down()
    assert posts(feed)[0].get_element(".action", text_contains="评论").text == f"评论 {count + 1}"
    assert sim.trace.findings == []
