"""An existing Minium suite, in Minium's own style, run against `wxsim serve` with Minium's runner:

    minitest -c config.json -p tests/automation/clients/minium_suite -m shop_cases

config.json names the port (`test_port`) and no `project_path`, so Minium connects to a running
"DevTools" instead of starting one; `friend_port` is the second virtual user's port.
"""

import time

import minium


def wait_until(check, timeout=15.0, what="a condition"):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


class ShopTest(minium.MiniTest):
    def test_1_mock_wx_methods(self):
        self.app.mock_wx_method("getLocation", result={"latitude": 31.2, "longitude": 121.5,
                                                      "errMsg": "getLocation:ok"})
        where = self.app.call_wx_method("getLocation", [{"type": "gcj02"}]).result.result
        self.assertEqual(where["latitude"], 31.2)
        self.app.mock_wx_method(
            "getStorageSync",
            functionDeclaration="function (key, prefix) { return key === 'greeting' ? prefix + 'hello' : this.origin(key) }",
            args=["mocked:"],
        )
        self.assertEqual(self.app.call_wx_method("getStorageSync", ["greeting"]).result.result, "mocked:hello")
        self.app.restore_wx_method("getStorageSync")
        self.assertEqual(self.app.call_wx_method("getStorageSync", ["greeting"]).result.result, "")

    def test_2_comment_on_a_post(self):
        page = self.app.switch_tab("/pages/social-feed/social-feed")
        wait_until(lambda: page.data.get("posts"), what="posts")
        page.get_element("view.action", text_contains="评论").tap()
        page = wait_until(lambda: self.app.get_current_page().path == "/pages/social-feed/comments"
                          and self.app.get_current_page(), what="the comments page")
        wait_until(lambda: page.data["loading"] is False, what="comments to load")
        page.get_element("input.input").input("好物推荐，已下单")
        self.assertEqual(page.data["draft"], "好物推荐，已下单")
        page.get_element("button", inner_text="发送").tap()
        wait_until(lambda: page.element_is_exists(".comment .text", inner_text="好物推荐，已下单"),
                   what="the new comment")
        self.assertEqual(page.data["draft"], "")

    def test_3_group_purchase_with_a_friend(self):
        page = self.app.relaunch("/pages/index/index")
        products = wait_until(lambda: page.data.get("products"), what="products")
        product = next(p for p in products if p["groupSize"] == 2)
        page.get_element("product-card", text_contains=product["name"]).tap()
        page = wait_until(lambda: self.app.get_current_page().path == "/pages/product/detail"
                          and self.app.get_current_page(), what="the product page")
        wait_until(lambda: page.data["loading"] is False, what="the product")
        page.get_element("button", text_contains="发起拼团").tap()
        page = wait_until(lambda: self.app.get_current_page().path == "/pages/group-buy/group-buy"
                          and self.app.get_current_page(), what="the group page")
        wait_until(lambda: page.data.get("isMember") and not page.data.get("needPay"), what="alice to pay")
        group_id = page.data["groupId"]

        friend = minium.WXMinium(minium.MiniConfig({"test_port": self.test_config.friend_port, "debug_mode": "warn",
                                                    "report_usage": False, "outputs": self.test_config.outputs}))
        try:
            shared = self.mini.connection.send("Wxsim.share", {"to": self.test_config.friend_port,
                                                               "chat": "group"}).result
            self.assertIn("groupId=" + group_id, shared.card.path)
            friend_page = friend.app.get_current_page()
            self.assertEqual(friend_page.path, "/pages/group-buy/group-buy")
            wait_until(lambda: friend_page.data.get("canJoin"), what="the friend can join")
            friend_page.get_element("button", text_contains="立即参团").tap()
            wait_until(lambda: friend_page.data.get("status") == "complete", what="the group to complete")
            self.assertEqual(friend_page.get_element(".done").inner_text, "拼团成功")
        finally:
            friend.shutdown()
