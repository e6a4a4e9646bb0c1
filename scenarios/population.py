"""The seed's metrics table as an end-to-end check: a population of users whose behaviour follows the
seed's probabilities, and the analytics endpoint that must report those rates back.

    python -m scenarios.population --users 2000                     # ~10 s; exit 1 if a rate is > 3 points off
    python -m scenarios.population --users 2000 --app-users 2000    # everyone through the app's pages, ~80 s

Each user draws their behaviour from the parameters below (seeded, so a run is reproducible): share a
product or not; among users who came in through a sharer's referral link, buy or not; the others are
dealt into groups, and each group either fills up (everyone pays) or expires part-empty after 24 h.
`app_users` of them, spread evenly over the population, do all of it through the sample mini program's
pages: launch, the share menu (`user.share()` → onShareAppMessage), opening a sharer's card
(`user.open(card)`, `ref=` → login with refCode), `startGroup` / `joinGroup` / `buyNow` with the payment
sheet. The rest make the same HTTP calls to the same backend directly and answer the same platform
payment sandbox (2,000 full app realms take ~80 s on one core, too slow for the test suite). The rates
are read from `GET /api/analytics/overview`, which computes them from the events and orders the
backend recorded; the run only compares them with its own draws.

This file holds no journeys (no `@journey`, no `journey_*`), so `wxsim demo` passes over it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mock_wx import Simulator
from mock_wx.rig.user import VirtualUser

#: The seed's "Key Metrics": 65 % of users share, 78 % of groups complete, 25 % of referred users buy.
SHARE_PROBABILITY = 0.65
GROUP_COMPLETION = 0.78
REFERRED_PURCHASE = 0.25
#: Users in the population, and the seed of their behaviour draws.
USERS = 2000
SEED = 20260105
#: Share of users who arrive through a friend's referral link (they do not join groups).
REFERRED_FRACTION = 0.30
#: Users who act through the mini program's pages; the rest call the backend directly.
APP_USERS = 60
#: Concurrent direct users (HTTP calls in flight).
CONCURRENCY = 64

RATE_KEYS = {"share": "shareRate", "group_completion": "groupCompletionRate",
             "referred_purchase": "referralConversionRate"}


@dataclass
class Person:
    """One user's drawn behaviour."""

    index: int
    name: str
    via_app: bool
    shares: bool
    referrer: int | None = None      # index of the sharer whose link brought them in
    buys: bool = False               # referred users only
    token: str = ""
    user_id: str = ""
    card: Any = None                 # the share card an app user forwarded (ShareCard)


@dataclass
class Group:
    """A group someone starts: `joiners` take the other places; it fills up only if `complete`."""

    creator: int
    joiners: list[int]
    complete: bool
    product: dict[str, Any]
    id: str = ""


@dataclass
class Plan:
    people: list[Person]
    groups: list[Group]

    def app_roles(self) -> dict[str, int]:
        app = {p.index for p in self.people if p.via_app}
        return {
            "sharers": sum(p.shares for p in self.people if p.index in app),
            "referred": sum(p.referrer is not None for p in self.people if p.index in app),
            "referred buyers": sum(p.buys for p in self.people if p.index in app),
            "group creators": sum(g.creator in app for g in self.groups),
            "joiners": sum(j in app for g in self.groups for j in g.joiners),
            "in failed groups": sum(i in app for g in self.groups if not g.complete for i in (g.creator, *g.joiners)),
        }

    def realised(self) -> dict[str, float]:
        """The rates the draws came out at (what the backend should report, to rounding)."""
        referred = [p for p in self.people if p.referrer is not None]
        return {
            "share": sum(p.shares for p in self.people) / len(self.people),
            "group_completion": sum(g.complete for g in self.groups) / max(1, len(self.groups)),
            "referred_purchase": sum(p.buys for p in referred) / max(1, len(referred)),
        }


@dataclass
class PopulationResult:
    """What a run did and what the analytics endpoint reported."""

    users: int
    app_users: int
    groups: int
    referred: int
    seconds: float
    parameters: dict[str, float]
    realised: dict[str, float]
    overview: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    #: How many app users played each part (so a run shows the pages drove every metric).
    app_roles: dict[str, int] = field(default_factory=dict)
    #: Fidelity findings the app users' pages produced.
    findings: list[Any] = field(default_factory=list)

    @property
    def reported(self) -> dict[str, float]:
        return {k: float(self.overview[v]) for k, v in RATE_KEYS.items()}

    def off_by(self) -> dict[str, float]:
        """Reported minus parameter, in percentage points."""
        return {k: round((self.reported[k] - self.parameters[k]) * 100, 2) for k in RATE_KEYS}

    def table(self) -> str:
        roles = ", ".join(f"{k} {v}" for k, v in self.app_roles.items())
        lines = [f"population: {self.users} users ({self.app_users} through the app's pages), {self.groups} groups, "
                 f"{self.referred} referred users, {self.seconds:.1f} s",
                 f"app users: {roles}; findings: {len(self.findings)}",
                 f"{'metric':<20}{'parameter':>10}{'drawn':>10}{'reported':>10}{'off (pts)':>11}"]
        for k in RATE_KEYS:
            lines.append(f"{k:<20}{self.parameters[k]:>10.2%}{self.realised[k]:>10.2%}{self.reported[k]:>10.2%}"
                         f"{self.off_by()[k]:>+11.2f}")
        return "\n".join(lines)


def plan(products: Sequence[dict[str, Any]], users: int, *, share: float, group_completion: float,
         referred_purchase: float, seed: int, app_users: int, referred_fraction: float = REFERRED_FRACTION) -> Plan:
    """Draw every user's behaviour; organic users are dealt into groups in order of arrival."""
    rng = random.Random(seed)
    app_every = max(1, users // app_users) if app_users else 0
    people = [Person(i, f"p{i:05d}", via_app=bool(app_every) and i % app_every == 0 and i // app_every < app_users,
                     shares=rng.random() < share) for i in range(users)]
    sharers: list[int] = []
    organic: list[int] = []
    for p in people:
        # The first users have nobody to be referred by; after that a referral link comes from an earlier sharer.
        if sharers and rng.random() < referred_fraction:
            p.referrer = rng.choice(sharers)
            p.buys = rng.random() < referred_purchase
        else:
            organic.append(p.index)
            if p.shares:
                sharers.append(p.index)  # links come from organic sharers (no referral chains)
    groups: list[Group] = []
    queue = list(organic)
    n = 0
    while queue:
        product = products[n % len(products)]
        n += 1
        size = int(product["groupSize"])
        complete = rng.random() < group_completion
        want = size - 1 if complete else rng.randrange(0, size - 1)
        if len(queue) < 1 + want:
            break  # not enough people left for this group: they stay out of groups
        creator, joiners, queue = queue[0], queue[1:1 + want], queue[1 + want:]
        groups.append(Group(creator, joiners, complete, product))
    return Plan(people, groups)


class _Driver:
    """Carries out a plan: app users through the mini program's pages, the rest straight to the backend."""

    def __init__(self, sim: Simulator, concurrency: int) -> None:
        self.sim = sim
        self.sem = asyncio.Semaphore(concurrency)
        self.users: dict[int, VirtualUser] = {}

    # -- direct users: the same calls the app makes, with the same token and payment sheet
    async def _call(self, p: Person, method: str, path: str, body: Any = None) -> Any:
        sim = self.sim
        headers = {"Authorization": f"Bearer {p.token}"} if p.token else {}
        async with self.sem, sim.services.http.request(method, sim.backend.url + path, json=body,
                                                      headers=headers) as resp:
            data = await resp.json()
            if resp.status >= 400:
                raise RuntimeError(f"{p.name}: {method} {path} -> {resp.status}: {data}")
            return data

    async def _pay(self, payment: dict[str, Any]) -> None:
        # The user confirms the payment sheet: the platform pays and notifies the backend (awaited).
        prepay_id = str(payment["package"]).split("=", 1)[1]
        async with self.sem:
            await self.sim.services.platform.pay.settle(prepay_id, "confirm")

    async def login(self, p: Person, ref_code: str | None, product_id: str, card: Any = None) -> None:
        if p.via_app:
            await self._app_login(p, ref_code, product_id, card)
            return
        code = self.sim.services.platform.login.issue_code(f"population:{p.name}")
        body: dict[str, Any] = {"code": code}
        if ref_code:
            body["refCode"] = ref_code
        out = await self._call(p, "POST", "/api/auth/login", body)
        p.token, p.user_id = out["token"], out["userId"]

    async def share(self, p: Person, product_id: str) -> None:
        if p.via_app:
            await self._page(p, product_id)
            # The user picks "转发" in the menu: WeChat calls the page's onShareAppMessage (§3).
            p.card = await self.users[p.index].share()
            if p.card is None or "ref=" not in p.card.path:
                raise RuntimeError(f"{p.name}: the share card carries no referral code: {p.card}")
            return
        await self._call(p, "POST", "/api/analytics/share", {"productId": product_id, "platform": "chat"})

    async def referral_code(self, p: Person) -> str:
        return str((await self._call(p, "POST", "/api/referral/generate", {}))["referralCode"])

    async def start_group(self, p: Person, g: Group) -> None:
        pid = g.product["id"]
        if p.via_app:
            page = await self._page(p, pid)
            await page.get_element("button", text_contains="发起拼团").tap()
            current = self.users[p.index].current_page
            g.id = current.query.get("groupId", "")
            if not g.id:
                raise RuntimeError(f"{p.name}: startGroup did not open the group page ({current.route})")
            return
        out = await self._call(p, "POST", "/api/group-buy/create", {"productId": pid})
        g.id = out["groupId"]
        await self._pay(out["payment"])

    async def join_group(self, p: Person, g: Group) -> None:
        if p.via_app:
            page = await self._page(p, g.product["id"])
            join = f'button[data-id="{g.id}"]'  # the group's 去参团 in the product's list of open groups
            if not page.element_exists(join):  # the page was open before the group started: look again
                page = await self.users[p.index].launch(f"/pages/product/detail?id={g.product['id']}")
            await page.get_element(join).tap()
            if self.users[p.index].current_page.route != "pages/group-buy/group-buy":
                raise RuntimeError(f"{p.name}: joinGroup did not open the group page")
            return
        out = await self._call(p, "POST", f"/api/group-buy/{g.id}/join", {})
        await self._pay(out["payment"])

    async def buy(self, p: Person, product_id: str) -> None:
        if p.via_app:
            page = await self._page(p, product_id)
            await page.get_element("button", text_contains="单独购买").tap()
            if self.users[p.index].current_page.route != "pages/order/detail":
                raise RuntimeError(f"{p.name}: buyNow did not reach the paid order's page")
            return
        out = await self._call(p, "POST", "/api/orders", {"productId": product_id, "quantity": 1})
        await self._pay(out["payment"])

    # -- app users: the sample mini program's own pages
    async def _app_login(self, p: Person, ref_code: str | None, product_id: str, card: Any) -> None:
        user = self.users.setdefault(p.index, self.sim.user(p.name))
        if card is not None:
            # The friend forwarded this card from the app: open it in a chat (scene 1007, its `ref=`).
            await user.open(card)
        else:
            # The friend is a direct user: the same link their card would carry.
            url = f"/pages/product/detail?id={product_id}" + (f"&ref={ref_code}&from=share" if ref_code else "")
            await user.launch(url, scene=1007 if ref_code else 1001)
        # App.onLaunch logged in (with the launch query's ref as refCode).
        p.token = json.loads(user.storage["token"])
        p.user_id = json.loads(user.storage["userId"])

    async def _page(self, p: Person, product_id: str) -> Any:
        user = self.users[p.index]
        current = user.current_page if user.running else None
        if current is not None and current.route == "pages/product/detail" and current.query.get("id") == product_id:
            return current
        return await user.launch(f"/pages/product/detail?id={product_id}")


async def _each(items: Sequence[Any], fn: Callable[[Any], Awaitable[Any]]) -> None:
    await asyncio.gather(*(fn(x) for x in items))


async def _both(people: Sequence[Person], fn: Callable[[Person], Awaitable[Any]]) -> None:
    """Direct users all at once; app users one after another (each page call waits for the app to idle)."""
    await _each([p for p in people if not p.via_app], fn)
    for p in people:
        if p.via_app:
            await fn(p)


async def simulate_population(
    users: int = USERS, *, share: float = SHARE_PROBABILITY, group_completion: float = GROUP_COMPLETION,
    referred_purchase: float = REFERRED_PURCHASE, seed: int = SEED, app_users: int = APP_USERS,
    fidelity: str = "strict", concurrency: int = CONCURRENCY, sim: Simulator | None = None,
) -> PopulationResult:
    """Run the population against a fresh backend (embedded unless `sim` says otherwise) and read the rates."""
    if sim is None:
        async with Simulator(fidelity=fidelity, seed=seed, trace=False) as own:
            return await simulate_population(users, share=share, group_completion=group_completion,
                                             referred_purchase=referred_purchase, seed=seed, app_users=app_users,
                                             concurrency=concurrency, sim=own)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - t0 - sum(timings.values()), 3)

    await sim.backend.reset()
    # Enough stock for everyone: ~40 orders per product at most.
    await sim.backend.seed(seed % 10_000, products=max(20, users // 40), users=0, posts=0, streams=0)
    products: list[dict[str, Any]] = []
    more = True
    while more:
        listing = await sim.backend.get("/api/products", params={"page": len(products) // 50 + 1, "limit": 50})
        products += listing["products"]
        more = bool(listing["hasMore"])
    the_plan = plan(products, users, share=share, group_completion=group_completion,
                    referred_purchase=referred_purchase, seed=seed, app_users=app_users)
    people = the_plan.people
    d = _Driver(sim, concurrency)
    lap("setup")

    def product_of(p: Person) -> str:
        return str(products[p.index % len(products)]["id"])

    # 1. Organic users arrive (on their product's page) and the sharers among them share it.
    organic = [p for p in people if p.referrer is None]
    referred = [p for p in people if p.referrer is not None]
    await _both(organic, lambda p: d.login(p, None, product_of(p)))
    await _both([p for p in organic if p.shares], lambda p: d.share(p, product_of(p)))
    lap("arrive+share")

    # 2. Referred users come in through a sharer's link (the card itself when the sharer used the app),
    #    and share in turn.
    codes: dict[int, str] = {}

    async def code_of(i: int) -> None:
        codes[i] = await d.referral_code(people[i])

    await _each(sorted({p.referrer for p in referred if p.referrer is not None}), code_of)

    def arrive(p: Person) -> Awaitable[None]:
        ref = people[p.referrer or 0]
        return d.login(p, codes[ref.index], product_of(ref), ref.card if p.via_app else None)

    await _both(referred, arrive)
    await _both([p for p in referred if p.shares], lambda p: d.share(p, product_of(p)))
    lap("referred")

    # 3. Groups: the creator starts and pays, then friends join and pay (all places, or fewer).
    async def run_group(g: Group) -> None:
        await d.start_group(people[g.creator], g)
        for j in g.joiners:
            await d.join_group(people[j], g)

    await _each(the_plan.groups, run_group)
    lap("groups")

    # 4. Referred users who buy, buy what their friend shared.
    await _both([p for p in referred if p.buys], lambda p: d.buy(p, product_of(people[p.referrer or 0])))
    lap("buy")

    # 5. A day passes: groups still open expire (failed, refunded).
    for u in d.users.values():
        u.close()
    await sim.clock.advance(hours=25)
    await sim.idle()
    lap("expire")

    reader = people[0]  # made one of the shop's staff: shop-wide reports are the merchant's (test-mode admin API)
    await sim.backend.post("/__admin/merchants", {"userId": reader.user_id})
    overview = await d._call(reader, "GET", "/api/analytics/overview")
    lap("overview")
    return PopulationResult(
        app_roles=the_plan.app_roles(), findings=list(sim.trace.findings),
        users=users, app_users=sum(p.via_app for p in people), groups=len(the_plan.groups), referred=len(referred),
        seconds=time.perf_counter() - t0,
        parameters={"share": share, "group_completion": group_completion, "referred_purchase": referred_purchase},
        realised=the_plan.realised(), overview=overview, timings=timings)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m scenarios.population`: run, print the table, exit 1 if a rate is off by more than --tolerance."""
    ap = argparse.ArgumentParser(prog="python -m scenarios.population", description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=USERS)
    ap.add_argument("--app-users", type=int, default=APP_USERS, help="users who act through the app's pages")
    ap.add_argument("--share", type=float, default=SHARE_PROBABILITY)
    ap.add_argument("--group-completion", type=float, default=GROUP_COMPLETION)
    ap.add_argument("--referred-purchase", type=float, default=REFERRED_PURCHASE)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--fidelity", choices=("strict", "lenient"), default="strict")
    ap.add_argument("--tolerance", type=float, default=3.0, help="allowed difference in percentage points")
    args = ap.parse_args(argv)
    result = asyncio.run(simulate_population(args.users, share=args.share, group_completion=args.group_completion,
                                             referred_purchase=args.referred_purchase, seed=args.seed,
                                             app_users=args.app_users, fidelity=args.fidelity))
    print(result.table())
    print("phases (s):", ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items()))
    bad = {k: v for k, v in result.off_by().items() if abs(v) > args.tolerance}
    if bad:
        print(f"off by more than {args.tolerance} points: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
