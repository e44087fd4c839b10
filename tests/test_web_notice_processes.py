"""An edit of the privacy notice is seen by every server process at once (issue 13): the notice is
read from the database on each consent page, and only the composing of the built-in text is kept
per process, keyed by everything it says. Two server processes on one PostgreSQL database."""

from __future__ import annotations

import html as htmlmod
import json
import re

import httpx
import pytest
from browser_support import WebServer
from web_support import REGIONS, consent_fields

from s3stresstest.store import Store
from s3stresstest.store.consent import notice_checksum

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

OWN = "Our own notice, version 2.\n\nWrite to privacy@example.org."


def _shown(page: str) -> str:
    """The notice as the page shows it, back to plain text (paragraphs at blank lines)."""
    block = re.search(r'<div class="privacy-notice"[^>]*>(.*?)</div>', page, re.S).group(1)
    paragraphs = re.findall(r"<p>(.*?)</p>", block, re.S)
    return "\n\n".join(htmlmod.unescape(p.replace("<br>", "\n")) for p in paragraphs)


def test_every_process_shows_and_records_the_edited_notice(pg_server, tiny_instrument, tmp_path):
    url = pg_server.url(pg_server.new_database())
    with Store.open(url) as store:
        cid = store.create_campaign("Two processes", store.add_instrument(tiny_instrument), languages=("en",))
        store.add_regions(cid, REGIONS)
        tokens = [x["token"] for x in store.create_invitations(cid, [("AT33", "company", "en")] * 3)]
    a = WebServer(url, tmp_path / "a.log").start()
    b = WebServer(url, tmp_path / "b.log").start()
    try:
        with httpx.Client(timeout=30) as client:
            # both processes show (and so keep) the built-in notice first
            old = {s: client.get(f"{s}/s/{tokens[0]}/consent").text for s in (a.base_url, b.base_url)}
            assert _shown(old[a.base_url]) == _shown(old[b.base_url])
            assert "Acme Regional Agency" not in old[a.base_url]
            # an admin (here: a third process) names the controller: the built-in text changes everywhere
            with Store.open(url) as store:
                store.set_privacy(cid, admin="alice", controller="Acme Regional Agency")
            for server in (a.base_url, b.base_url):
                assert "Acme Regional Agency" in _shown(client.get(f"{server}/s/{tokens[0]}/consent").text)
            # ... then writes the campaign's own text: both show it word for word
            with Store.open(url) as store:
                store.set_privacy(cid, admin="alice", notices={"en": OWN})
            for server in (a.base_url, b.base_url):
                assert _shown(client.get(f"{server}/s/{tokens[1]}/consent").text) == OWN
            # agreeing on B to the text read on A records that text and its checksum
            read_on_a = client.get(f"{a.base_url}/s/{tokens[1]}/consent").text
            agreed = client.post(
                f"{b.base_url}/s/{tokens[1]}/consent", data=consent_fields(read_on_a), follow_redirects=False
            )
            assert agreed.status_code == 303, agreed.text[:300]
            # a respondent who read the old notice is asked to read the new one, on either process
            stale = client.post(
                f"{a.base_url}/s/{tokens[0]}/consent", data=consent_fields(old[b.base_url]), follow_redirects=False
            )
            assert stale.status_code == 422 and "changed while you were reading" in stale.text
            assert _shown(stale.text) == OWN
    finally:
        a.stop()
        b.stop()
    with Store.open(url) as store:
        rid = store.resolve_token(tokens[1])["respondent_id"]
        assert store.consent_of(rid)["notice"] == notice_checksum(OWN)
        assert store.consent_of(rid)["text"] == OWN
        assert store.resolve_token(tokens[0])["respondent_id"] is None  # nothing stored without consent
        log = store.audit_log(cid)
        consents = [json.loads(d) for d in log[log["event"] == "consent"]["detail"]]
        assert consents == [{"notice": notice_checksum(OWN), "language": "en"}]
