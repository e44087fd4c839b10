"""Survey storage: campaigns, instruments, invitations, respondents, answers and an audit log.

`Store` (in `api`) is the only entry point; it returns plain values (dicts, DataFrames,
`Instrument`s), never ORM objects. SQLite by default (a file in the data directory),
PostgreSQL via `S3ST_DATABASE_URL=postgresql+psycopg://...`.
"""

from .api import Locked, NotFound, Store, database_url

__all__ = ["Locked", "NotFound", "Store", "database_url"]
