"""A virtual user: one WeChat client with its own storage, identity, dialogs and JS realm."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from ..api import DialogPolicy, Fail, WxContext
from ..errors import JSError, NavigationError, WxError
from ..runtime import Realm
from ..view import attach as attach_view
from .page import Page
from .payments import Payments
from .share import ShareCard, apply_scene_mode, open_card, share
from .test_errors import raise_pending
from .testing import UserTesting

if TYPE_CHECKING:
    from .simulator import Simulator

__all__ = ["VirtualUser"]


class VirtualUser(UserTesting):
    """Drives one client like a person does: launch, tap, share, open cards, pay, go back."""

    def __init__(self, sim: Simulator, name: str, index: int) -> None:
        self.sim = sim
        self.name = name
        self.index = index
        key = hashlib.sha256(f"{sim.identity}{sim.seed}:{name}".encode()).hexdigest()[:16]
        self.ctx = WxContext(
            user=name, user_key=key, clock=sim.clock, trace=sim.trace, fidelity=sim.fidelity,
            app_config=sim.bundle.config, appid=sim.appid, services=sim.services,
        )
        self.ctx.rng.seed(f"{sim.seed}:{name}")
        self._realm: Realm | None = None
        self.launched_at_ms = 0

    def __repr__(self) -> str:
        return f"<VirtualUser {self.name}>"

    # ------------------------------------------------------------------ state
    @property
    def dialogs(self) -> DialogPolicy:
        """How this user answers modals, action sheets, the payment sheet and permission prompts."""
        return self.ctx.dialogs

    @property
    def storage(self) -> dict[str, str]:
        """This user's storage (key → JSON text); isolated per user (§2)."""
        return self.ctx.storage

    @property
    def running(self) -> bool:
        return self._realm is not None and not self._realm.closed

    @property
    def realm(self) -> Realm:
        return self._realm_or_raise()

    def _realm_or_raise(self) -> Realm:
        if self._realm is None or self._realm.closed:
            raise WxError(f"{self.name} has not launched the mini program (call `await {self.name}.launch(...)`)")
        return self._realm

    @property
    def current_page(self) -> Page:
        rec = self.realm.router.current()
        if rec is None:
            raise WxError(f"{self.name} has no page open")
        return Page(self, rec.id, rec.route, rec.query)

    @property
    def page_stack(self) -> list[Page]:
        return [Page(self, r.id, r.route, r.query) for r in self.realm.router.stack]

    @property
    def openid(self) -> str:
        """This user's openid for the app on the WeChat platform (what code2Session answers for them)."""
        wechat = self.sim.services.wechat
        if wechat is None:
            raise WxError("the simulation has not started (`async with Simulator(...)`)")
        return str(wechat.openid(self.ctx.user_key))

    @property
    def routes(self) -> list[str]:
        """The page stack as routes, bottom first (`["pages/index/index", "pages/order/detail"]`); no leading
        slash, like `page.route` (`page.path` is the same with one)."""
        return [r.route for r in self.realm.router.stack]

    @property
    def errors(self) -> list[JSError]:
        return list(self._realm.errors) if self._realm else []

    # ------------------------------------------------------------------ actions
    async def launch(self, url: str | None = None, *, scene: int = 1001, **options: Any) -> Page:
        """Cold-start the app at `url` (default: the first page in app.json) and return the page when idle."""
        if self.running:
            self.close()
        apply_scene_mode(self.ctx, scene)  # 1154 runs in single-page mode (§3)
        realm = Realm(self.sim.bundle, self.ctx, time_limit=self.sim.time_limit,
                      fail_on_js_errors=self.sim.fail_on_js_errors)
        if self.sim.view is not None:
            attach_view(realm, self.sim.view)
        self._realm = realm
        self._realm_started(realm)  # mocks, hooks and exposed functions, before the app's code runs
        self.launched_at_ms = self.ctx.clock.now_ms()
        target = url or "/" + self.sim.bundle.pages[0]
        self.ctx.record("launch", url=target, scene=scene)
        try:
            rec = realm.router.launch(target, {"scene": scene, **options})
        except WxError:
            await self.idle()
            raise
        await self.idle()
        errors = realm.take_errors()
        if errors:
            raise errors[0]
        if rec is None:
            # App.onPageNotFound handled a missing entry page; it may have redirected by now (§6).
            rec = realm.router.current()
            if rec is None:
                raise NavigationError(f'page "{target.lstrip("/")}" is not found')
        return Page(self, rec.id, rec.route, rec.query)

    async def share(self, from_: str = "menu", *, target_dataset: dict[str, Any] | None = None,
                    target_id: str = "", timeline: bool = False) -> ShareCard | None:
        """Forward the current page (menu or share button) via its onShareAppMessage/onShareTimeline (§3)."""
        return await share(self, from_, target_dataset=target_dataset, target_id=target_id, timeline=timeline)

    async def open(self, card: ShareCard, chat: str = "single", *, group: str | None = None) -> Page:
        """Tap a share card in a chat: scene 1007 (single), 1008 (group), 1044 (group, and the card was shared
        with `withShareTicket`: it carries a shareTicket), 1154 (timeline)."""
        return await open_card(self, card, chat, group=group)

    @property
    def payments(self) -> Payments:
        """This user's answers to the payment sheet: `.answer("cancel")`, `.next("fail")` (§4)."""
        return Payments(self)

    async def back(self, delta: int = 1) -> Page:
        """Press back (navigateBack rules apply); on the first page raises NavigationError with the errMsg."""
        try:
            await self.realm.router.navigate("navigateBack", {"delta": delta})
        except Fail as f:
            raise NavigationError(f"navigateBack:fail {f.reason}") from None
        await self.idle()
        return self.current_page

    async def tap_tab(self, path: str) -> Page:
        """Tap a tab bar item: switchTab to that tab page (§6 switchTab table), then the page's
        onTabItemTap({index, pagePath, text}) (its order against onShow is UNCONFIRMED); returns the page."""
        route = path.lstrip("/")
        tabs = self.sim.bundle.tab_pages
        if route not in tabs:
            raise WxError(f"{path!r} is not in app.json tabBar.list ({', '.join(tabs) or 'no tabBar'})")
        realm = self.realm
        realm.router.switch_tab(route)
        index = tabs.index(route)
        item = (self.sim.bundle.config.get("tabBar") or {}).get("list", [])[index]
        page = self.current_page
        await page._hook("onTabItemTap", {"index": index, "pagePath": route, "text": item.get("text", "")})
        return page

    async def hide(self) -> None:
        """Send the app to the background (home button)."""
        self.realm.router.hide_app()
        await self.idle()

    async def show(self, **options: Any) -> None:
        """Bring the app back to the foreground (hot start without a new path)."""
        router = self.realm.router
        opts = dict(router.enter_options or {})
        opts.update(options)
        opts.setdefault("scene", 1001)
        router.show_app(opts)
        await self.idle()

    async def idle(self) -> None:
        """Return when this user's page (and everything it set in motion) has settled."""
        if self.sim.isolated_idle:
            if self._realm is not None and not self._realm.closed:
                await self._realm.drain()
        else:
            await self.sim.idle()
        raise_pending(self.ctx)  # a bug in the test's own mock fails the test here (test_errors.py)

    def close(self) -> None:
        """Kill the app process (its timers and in-flight calls stop); storage survives."""
        if self._realm is not None:
            self._realm.close()
            self.sim._closed_realm(self._realm)
            self._realm = None
