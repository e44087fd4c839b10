"""The storage API the web app and the CLI build on: `Store`, one facade over the mixins.

Every method's writes have committed before it returns, so an answer the server
acknowledged is on disk (SQLite: WAL + synchronous=FULL; PostgreSQL: default fsync). On
SQLite, page saves and consents that arrive together share one transaction, each in its
own savepoint (groupcommit.py): one sync for many, each with its own outcome.
Return values are plain: dicts, lists, DataFrames, `Instrument`s (cached per id, shared:
do not mutate them).

Bad input raises `s3stresstest.errors.InputError` listing each problem; the subclasses
`NotFound` (unknown campaign, instrument or respondent) and `Locked` (campaign closed,
questionnaire already submitted) let a caller pick a status code. Unknown, wrong, expired
or revoked tokens are indistinguishable: `resolve_token` gives None.
Timestamps are timezone-aware UTC `datetime`s.

Privacy: tokens are `secrets.token_urlsafe(24)` (192 bits) and only their sha256 is stored;
respondent ids are random (`secrets.token_hex(16)`, 128 bits, also usable as a session
secret); no names or e-mails are asked; optional contact details sit in their own table and
only reach an export when asked for; the audit log holds events and counts, never answers.

Where each method lives (one job per module, all on `StoreBase` from base.py, which holds
the connections, transactions, shared lookups and helpers):

- campaigns.py: instruments and campaigns (add, get, list, create, close);
- regions.py: a campaign's regions and peer groups;
- invitations.py: personal invitations, open links, tokens;
- answers.py: starting from a link, saving pages and drafts, language, submitting;
- respondents.py: a respondent's record, answers, contact details, deletion;
- consent.py: a campaign's privacy notice and each respondent's consent to it;
- reports.py: response rates, invitation status, responses, `campaign_data`;
- imports.py: `import_responses`;  audit.py: `audit_log`;  admins.py: admin accounts;
- pool.py: `warm_pool`;  statements.py: the prebuilt SQL of the hot paths.
"""

from __future__ import annotations

from .admins import AdminsMixin
from .answers import AnswersMixin
from .audit import AuditMixin
from .base import (
    CAMPAIGN_LOCK,
    DEFAULT_LANGUAGES,
    MAX_NAME,
    MAX_TEXT,
    MIN_PASSWORD,
    RESPONDENT_ID_MAX,
    Locked,
    NotFound,
)
from .campaigns import CampaignsMixin
from .consent import ConsentMixin
from .db import ENV_URL, database_url
from .imports import ImportsMixin
from .invitations import InvitationsMixin
from .pool import PoolMixin
from .privacy import PrivacyMixin
from .regions import RegionsMixin
from .reports import ReportsMixin
from .respondents import RespondentsMixin
from .shared import SharedStateMixin

__all__ = [
    "CAMPAIGN_LOCK",
    "DEFAULT_LANGUAGES",
    "ENV_URL",
    "MAX_NAME",
    "MAX_TEXT",
    "MIN_PASSWORD",
    "RESPONDENT_ID_MAX",
    "Locked",
    "NotFound",
    "Store",
    "database_url",
]


class Store(
    PoolMixin,
    ConsentMixin,
    AnswersMixin,
    InvitationsMixin,
    ImportsMixin,
    ReportsMixin,
    CampaignsMixin,
    RegionsMixin,
    RespondentsMixin,
    AdminsMixin,
    AuditMixin,
    PrivacyMixin,
    SharedStateMixin,
):
    """An Engine + sessionmaker over the survey database. Open with `Store.open()`."""
