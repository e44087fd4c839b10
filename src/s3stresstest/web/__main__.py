"""`python -m s3stresstest.web --port N --database-url URL`: the survey service in the foreground.

Prints `s3stresstest web: ready on http://HOST:PORT` once it accepts requests (port 0 picks a free one).
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m s3stresstest.web", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///path or postgresql+psycopg://...; "
        "default $S3ST_DATABASE_URL or the SQLite file in the data directory",
    )
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default $S3ST_WORKERS, else 1); rate limits count per worker",
    )
    args = parser.parse_args(argv)
    from .server import serve

    serve(
        args.host,
        args.port,
        args.database_url,
        log_level=args.log_level,
        access_log=not args.no_access_log,
        workers=args.workers,
    )


if __name__ == "__main__":
    main()
