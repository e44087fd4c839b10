"""Run the app with uvicorn (one worker) and say when it is ready to take requests."""

from __future__ import annotations

import sys

READY = "s3stresstest web: ready on http://{host}:{port}"


def serve(host: str = "127.0.0.1", port: int = 8000, database_url: str | None = None, *,
          log_level: str = "info", access_log: bool = True, settings=None) -> None:
    import uvicorn

    from ..store import Store
    from .app import create_app
    from .logging_filter import install

    store = Store.open(database_url)
    try:
        app = create_app(store, settings=settings)
    except BaseException:
        store.close()
        raise

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.should_exit:
                return
            bound = port
            try:
                bound = self.servers[0].sockets[0].getsockname()[1]
            except (AttributeError, IndexError, OSError):
                pass
            print(READY.format(host=host, port=bound), flush=True)
            sys.stdout.flush()

    # X-Forwarded-For/-Proto are trusted from a reverse proxy on this machine only (uvicorn's default,
    # $FORWARDED_ALLOW_IPS widens it): client addresses for rate limits and https for Secure cookies.
    config = uvicorn.Config(app, host=host, port=port, workers=1, log_level=log_level, access_log=access_log,
                            proxy_headers=True, server_header=False, date_header=True)
    install()
    try:
        Server(config).run()
    finally:
        store.close()
