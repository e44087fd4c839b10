"""The privacy notice a respondent reads before the questionnaire, in their language.

A campaign's own text (set on its admin page, `Store.set_privacy`) is shown as written; without
one, the built-in notice below, composed from the gettext catalogues with the campaign's name,
controller, contact and the server's retention period. The built-in text claims only what the
product does (see docs/privacy.md): answers under a random code, contact details optional and
apart, results only for groups, the retention purge, access and erasure on request.

The text is plain: paragraphs separated by blank lines. Its sha256 (`notice_checksum`) is what
a consent records, so the exact text shown must be the one checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..store.consent import notice_checksum
from . import i18n


@dataclass(frozen=True)
class Notice:
    """The notice shown in one language: its text, checksum, and whether it is the campaign's own.
    Immutable, and kept (`_notice`) per text: the checksum and paragraphs are computed once."""

    language: str
    text: str
    own: bool

    @cached_property
    def checksum(self) -> str:
        return notice_checksum(self.text)

    @cached_property
    def paragraphs(self) -> tuple[tuple[str, ...], ...]:
        """Paragraphs (split at blank lines), each a tuple of its lines, for the page."""
        out: list[tuple[str, ...]] = []
        for block in self.text.replace("\r\n", "\n").split("\n\n"):
            lines = tuple(line.strip() for line in block.split("\n") if line.strip())
            if lines:
                out.append(lines)
        return tuple(out)


@lru_cache(maxsize=256)
def _notice(language: str, text: str, own: bool) -> Notice:
    """The Notice of a text, shared by the requests that show it (the same text: the same notice)."""
    return Notice(language, text, own)


@lru_cache(maxsize=1024)
def default_notice(
    language: str, *, campaign: str, controller: str | None, contact: str | None, retention_days: int | None
) -> str:
    """The built-in notice in `language`, filled with the campaign's facts. Kept per set of
    arguments (the catalogues do not change while the server runs): every consent page and
    every consent shows it."""
    t = i18n.translator(language)
    parts = [t._("Privacy notice of the survey “{campaign}”.", campaign=campaign)]
    if controller:
        parts.append(t._("Responsible for your data (controller): {controller}.", controller=controller))
    else:
        parts.append(
            t._(
                "The organisation responsible for this survey has not named itself here yet; "
                "please ask whoever sent you the link."
            )
        )
    parts.append(
        t._(
            "What is stored: your answers to the questionnaire, with your region, your stakeholder "
            "group, the language you chose and when you saved. We do not ask for your name or e-mail "
            "address: your answers are kept under a random code, not under your name."
        )
    )
    parts.append(
        t._(
            "After submitting, you may leave contact details to receive the results. This is optional; "
            "they are kept apart from your answers and never exported with them."
        )
    )
    parts.append(
        t._("Purpose: this survey and the reports on its results.")
        + " "
        + t._("Results are only reported for groups of respondents, never for a single person.")
    )
    if retention_days is None:
        parts.append(
            t._(
                "Contact details are kept until you ask for their deletion. Your answers stay, under "
                "their random code, as the results of the survey."
            )
        )
    else:
        parts.append(
            t.ngettext(
                "Contact details are deleted, and the survey links made unusable, once the survey has "
                "been closed for at least {n} day. Your answers stay, under their random code, as the "
                "results of the survey.",
                "Contact details are deleted, and the survey links made unusable, once the survey has "
                "been closed for at least {n} days. Your answers stay, under their random code, as the "
                "results of the survey.",
                retention_days,
            )
        )
    parts.append(
        t._(
            "Taking part is voluntary. By agreeing you consent to this processing (GDPR Art. 6(1)(a)). "
            "You can withdraw your consent at any time by asking for erasure; this does not affect "
            "what was done before."
        )
    )
    if contact:
        ask = t._(
            "You have the right to see what is stored about you and to have it erased. To ask, write to "
            "{contact} and quote the link you received: only with it can your answers be found.",
            contact=contact,
        )
    else:
        ask = t._(
            "You have the right to see what is stored about you and to have it erased. To ask, write to "
            "whoever sent you the link and quote the link: only with it can your answers be found."
        )
    parts.append(
        ask
        + " "
        + t._(
            "If you answer through a link shared with others, quote instead the personal link to "
            "continue that your pages show."
        )
    )
    parts.append(t._("You may also lodge a complaint with a data protection supervisory authority."))
    return "\n\n".join(parts)


def campaign_notice(store, campaign: dict, language: str, retention_days: int | None) -> Notice:
    """The notice respondents of `campaign` see in `language`: the campaign's own text, else the
    built-in one. One read of the campaign's privacy settings."""
    settings = store.privacy_settings(campaign["id"])
    return notice_from(settings, campaign, language, retention_days)


def notice_from(settings: dict, campaign: dict, language: str, retention_days: int | None) -> Notice:
    """`campaign_notice` from privacy settings already read (`Store.privacy_settings`)."""
    own = (settings.get("notices") or {}).get(language)
    if own:
        return _notice(language, own, True)
    text = default_notice(
        language,
        campaign=str(campaign.get("name") or ""),
        controller=settings.get("controller"),
        contact=settings.get("contact"),
        retention_days=retention_days,
    )
    return _notice(language, text, False)
