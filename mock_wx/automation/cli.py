"""`wxsim serve`: start the simulation and serve the automation protocol until interrupted."""

from __future__ import annotations

import asyncio
import errno
import signal
from typing import Any

__all__ = ["run_serve_command"]

SHOP_SEED = 42  # the seeded shop the bundled journeys use (scenarios/_helpers.py)


class ServeError(ValueError):
    """A usage problem found while starting (a taken port, an unreachable backend): one line, exit 2."""


def run_serve_command(args: Any) -> int:
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(args: Any) -> None:
    from ..rig.simulator import Simulator
    from .server import AutomationServer

    remote: dict[str, Any] = {}
    if args.backend:
        remote = {"backend_url": args.backend, "platform_url": args.platform}
    sim = Simulator(args.app, fidelity=args.fidelity, realtime=not args.virtual_clock, trace=False, **remote)
    await sim.start()
    if not args.backend:
        await sim.backend.seed(SHOP_SEED)
    server = AutomationServer(sim, args.users, port=args.port)
    try:
        await server.start()
    except OSError as exc:
        await sim.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"a port from {args.port} to {args.port + args.users - 1} on 127.0.0.1 is already in use "
                             f"(another wxsim serve or DevTools?): stop it or pick another --port") from None
        raise
    clock = "virtual clock (Wxsim.advanceClock moves it)" if args.virtual_clock else "real-time clock"
    print(f"wxsim serve: {sim.bundle.app_name}, {clock}; DevTools automation protocol on:", flush=True)
    for name, url in server.endpoints.items():
        print(f"  {name}: {url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.close()
        await sim.close()
