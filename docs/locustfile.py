"""Locust entry point: the load journeys of `scenarios/live_viewers.py` as Locust users
(needs `pip install 'wxsim[locust]'`).

    locust -f docs/locustfile.py --headless -u 50 -r 10 -t 60s          # one process
    locust -f docs/locustfile.py --master --expect-workers 2 ...         # distributed:
    locust -f docs/locustfile.py --worker --master-host 127.0.0.1        # (once per worker)

Each worker runs the virtual users (the mini program's real page code) on its own asyncio thread
and reports every wx.request, socket message, step and journey to Locust; `--host URL` points them
at a running backend instead of an embedded stub per worker.

It lives outside `scenarios/` on purpose: journey discovery imports every file there, and importing
locust gevent-patches the process.
"""

from pathlib import Path

from mock_wx.load.locust_adapter import locust_users

globals().update(locust_users(Path(__file__).resolve().parents[1] / "scenarios" / "live_viewers.py"))
