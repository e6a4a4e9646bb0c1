"""Locust entry point: the load journeys of `live_viewers.py` as Locust users (needs `pip install wxsim[locust]`).

    locust -f scenarios/locustfile.py --headless -u 50 -r 10 -t 60s          # one process
    locust -f scenarios/locustfile.py --master --expect-workers 2 ...         # distributed:
    locust -f scenarios/locustfile.py --worker --master-host 127.0.0.1        # (once per worker)

Each worker runs the virtual users (the mini program's real page code) on its own asyncio thread
and reports every wx.request, socket message, step and journey to Locust; `--host URL` points them
at a running backend instead of an embedded stub per worker.

This file holds no journeys, so `wxsim demo` and the journey suite skip it.
"""

from pathlib import Path

from mock_wx.load.locust_adapter import locust_users

globals().update(locust_users(Path(__file__).with_name("live_viewers.py")))
