"""Alembic migrations of the survey database, run from `Store.open` (no alembic.ini needed).

`versions/0001_initial.py` creates the whole schema (and the audit-log triggers);
`tests/test_store_migrations.py` checks that `upgrade head` on an empty database matches
`store.models` exactly. To add a revision after changing the models::

    python -c "from alembic import command; from s3stresstest.store.db import alembic_config; \
cfg = alembic_config(url='sqlite:////tmp/rev.db'); command.upgrade(cfg, 'head'); \
command.revision(cfg, message='what changed', autogenerate=True)"

then review the generated file (it is run on SQLite and PostgreSQL alike).
"""
