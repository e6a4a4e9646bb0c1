"""§2 storage: sync and async APIs, missing keys, limits, sizes in KB, isolation between users."""

from __future__ import annotations

from mock_wx import Simulator, VirtualUser


async def test_getstoragesync_missing_key_is_empty_string(user: VirtualUser) -> None:
    """§2: getStorageSync of a missing key returns "" (empty string), not undefined."""
    page = await user.launch("/pages/probe/probe")
    out = await page.call("syncThrows")
    assert out["missing"] == ""
    assert out["missingType"] == "string"


async def test_getstorage_missing_key_fails(user: VirtualUser) -> None:
    """§2: getStorage of a missing key fails with "getStorage:fail data not found"."""
    page = await user.launch("/pages/probe/probe")
    assert await page.tap("promiseStyle", detail={"key": "missing"}) == {
        "rejected": {"errMsg": "getStorage:fail data not found"}}


async def test_sync_round_trip_keeps_types(user: VirtualUser) -> None:
    """§2: setStorageSync/getStorageSync keep native JSON types; getStorageInfoSync lists the keys."""
    page = await user.launch("/pages/probe/probe")
    out = await page.call("storageRoundTrip")
    assert out["n"] == 42
    assert out["obj"] == {"a": [1, 2], "b": "c"}
    assert sorted(out["info"]["keys"]) == ["n", "obj"]


async def test_async_apis_and_errmsgs(user: VirtualUser) -> None:
    """§2: setStorage/getStorage/getStorageInfo/removeStorage/clearStorage promisify with "<api>:ok"."""
    page = await user.launch("/pages/probe/probe")
    out = await page.call("storageAsync")
    assert out["set"] == "setStorage:ok"
    assert out["got"] == {"data": {"v": 1}, "errMsg": "getStorage:ok"}
    assert out["info"]["keys"] == ["k"] and out["info"]["errMsg"] == "getStorageInfo:ok"
    assert out["removed"] == "removeStorage:ok"
    assert out["after"] == ""
    assert out["cleared"] == "clearStorage:ok"
    assert user.storage == {}


async def test_info_sizes_in_kb(user: VirtualUser) -> None:
    """§2: getStorageInfo's currentSize and limitSize are in KB (limit 10240)."""
    page = await user.launch("/pages/probe/probe")
    out = await page.call("fillStorage")
    assert out["info"]["limitSize"] == 10240
    assert 9700 <= out["info"]["currentSize"] <= 10240


async def test_one_mb_per_key(user: VirtualUser) -> None:
    """§2: a single key holds at most 1 MB; setStorageSync throws beyond it."""
    page = await user.launch("/pages/probe/probe")
    out = await page.call("syncThrows")
    assert "exceed storage item max length" in out["tooBig"]
    assert "big" not in user.storage


async def test_ten_mb_in_all(user: VirtualUser) -> None:
    """§2: 10 MB in all per user and app: the sync write throws, the async one fails."""
    page = await user.launch("/pages/probe/probe")
    out = await page.call("fillStorage")
    assert out["syncError"].startswith("setStorageSync:fail exceed storage max size")
    assert out["asyncError"].startswith("setStorage:fail exceed storage max size")
    assert "one-more" not in user.storage


async def test_storage_isolated_per_user(sim: Simulator) -> None:
    """§2: storage is isolated by user: bob does not see what alice stored."""
    alice, bob = sim.users(2)
    await (await alice.launch("/pages/probe/probe")).call("storageRoundTrip")
    page = await bob.launch("/pages/probe/probe")
    assert (await page.call("syncThrows"))["missing"] == ""
    assert "n" not in bob.storage and alice.storage["n"] == "42"


async def test_storage_survives_relaunch(user: VirtualUser) -> None:
    """§2: storage is cleared only with the code package, so it survives killing and relaunching the app."""
    await (await user.launch("/pages/probe/probe")).call("storageRoundTrip")
    user.close()
    page = await user.launch("/pages/probe/probe")
    assert await page.tap("promiseStyle", detail={"key": "n"}) == {"resolved": {"data": 42, "errMsg": "getStorage:ok"}}


async def test_encrypted_limit_is_lower(user: VirtualUser) -> None:
    """§2: with encrypt: true a key holds at most 0.7 MB (not 1 MB)."""
    page = await user.launch("/pages/probe/probe")
    out = await page.tap("encryptedSizes")
    assert out == {"plain": "setStorage:ok", "encrypted": "setStorage:fail exceed storage item max length"}
