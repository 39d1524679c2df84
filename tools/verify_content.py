"""The content half of tools/verify_record.py --content: is the text the site serves the text its record bound?

Standard library only, and no import of the site's code, so it runs beside a lone copy of verify_record.py, which
loads it by path. verify_record hands every entry it checks to `ContentIndex.see`, which keeps the hashes of the
kinds that bind a text (docs/reference/record-format.md, "Served texts"); `ContentIndex.check` then reads each public
object through the API and names every one whose text does not hash to what its entry carries.

Covered: comments (body), publishers' answers to comments, suggestions (wording and reason) and the decisions on
them, shown statements, close-out reports, decisions (rationale). The site's own check (manage.py verify_record
--content) also covers organizations' responses to decisions, dissents, an appeal's redacted excerpts and grounds,
inadmissibility reasons and notes, tombstones, recommendations and their notes, and audit reports and responses.
"""

import hashlib
import json
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

GetJson = Callable[[str], Any]
MAX_NAMED = 100


def text_sha256(text: str | bytes) -> str:
    """SHA-256 of the served text's UTF-8 bytes, in hex: what every binding entry carries."""
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def canonical_json(document: Any) -> bytes:
    """A close-out's hashed form: keys sorted, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def version_path(subject: str) -> str:
    """The API address of a guideline version from its subject on the record, version:<org>/<slug>/v<n>."""
    org, slug, number = subject.removeprefix("version:").split("/")
    quote = urllib.parse.quote
    return f"/api/v1/guidelines/{quote(org)}/{quote(slug)}/versions/{int(number.removeprefix('v'))}/"


@dataclass
class ContentReport:
    checked: int = 0
    unbound: int = 0
    mismatched: list[str] = field(default_factory=list)
    mismatch_count: int = 0

    @property
    def ok(self) -> bool:
        return self.mismatch_count == 0

    def compare(self, name: str, served: str | bytes | None, recorded: str | None, *, plain: bool = False) -> None:
        """`served` against what the entry carries (its hash, or with `plain` the text itself)."""
        if served is None:
            return
        self.checked += 1
        if recorded is None:
            self.unbound += 1
        elif (served if plain else text_sha256(served)) != recorded:
            self.mismatch_count += 1
            if len(self.mismatched) < MAX_NAMED:
                self.mismatched.append(name)

    def summary(self) -> str:
        unbound = f"; {self.unbound} published before texts were bound carry no hash" if self.unbound else ""
        if self.ok:
            return f"every served text matches its entry ({self.checked} checked{unbound})"
        more = self.mismatch_count - len(self.mismatched)
        named = ", ".join(self.mismatched) + (f" and {more} more" if more else "")
        return f"{self.mismatch_count} served text(s) differ from the hash their entry carries: {named}"


class ContentIndex:
    """What the record says of each bound text, gathered while the entries stream past."""

    def __init__(self) -> None:
        self.hashes: dict[tuple[str, str], str] = {}  # (kind and field, subject or decision id) -> recorded value
        self.versions: set[str] = set()
        self.closeouts: set[str] = set()

    def _keep(self, what: str, key: str, payload: dict, name: str) -> None:
        value = payload.get(name)
        if isinstance(value, str):
            self.hashes[(what, key)] = value

    def see(self, entry: dict) -> None:
        kind, subject, payload = entry["kind"], entry["subject"], entry["payload"]
        if not isinstance(payload, dict):
            return
        if kind in ("comment.posted", "suggestion.made", "statement.submitted") and isinstance(
            payload.get("version"), str
        ):
            self.versions.add(payload["version"])
        if kind == "comment.posted":
            self._keep("body", subject, payload, "body_sha256")
        elif kind == "comment.answered":
            self._keep("answer", subject, payload, "text")
        elif kind == "suggestion.made":
            self._keep("wording", subject, payload, "text_sha256")
            self._keep("reason", subject, payload, "reason_sha256")
        elif kind == "suggestion.decided":
            self._keep("decision reason", subject, payload, "reason")
        elif kind == "statement.submitted":
            self._keep("statement", subject, payload, "text_sha256")
        elif kind == "closeout.published":
            self._keep("closeout", subject, payload, "document_sha256")
            self.closeouts.add(subject)
        elif kind in ("appeal.decided", "appeal.corrected"):
            self._keep("rationale", str(payload.get("decision")), payload, "rationale_sha256")
            for cited in payload.get("cited_decisions") or []:
                if isinstance(cited, dict):
                    edge = f"{payload.get('decision')}>{cited.get('decision')}"
                    self._keep("citation reason", edge, cited, "reason_sha256")

    def check(self, get_json: GetJson, page_size: int = 200) -> ContentReport:
        report, recorded = ContentReport(), self.hashes.get
        for version in sorted(self.versions):
            base = version_path(version)
            for comment in pages(get_json, f"{base}comments/?page_size={page_size}"):
                subject = f"comment:{comment['id']}"
                report.compare(f"comment {comment['id']}", comment.get("body"), recorded(("body", subject)))
                answer = comment.get("response") or {}
                name = f"the answer to comment {comment['id']}"
                report.compare(name, answer.get("text"), recorded(("answer", subject)), plain=True)
            for suggestion in pages(get_json, f"{base}suggestions/?page_size={page_size}"):
                pk, subject = suggestion["id"], f"suggestion:{suggestion['id']}"
                report.compare(f"the wording of suggestion {pk}", suggestion["text"], recorded(("wording", subject)))
                report.compare(f"the reason of suggestion {pk}", suggestion["reason"], recorded(("reason", subject)))
                decision = suggestion.get("decision") or {}
                reason = decision.get("reason")
                name = f"the decision on suggestion {pk}"
                report.compare(name, reason, recorded(("decision reason", subject)), plain=True)
            for statement in pages(get_json, f"{base}statements/?page_size={page_size}"):
                subject = f"statement:{statement['id']}"
                report.compare(f"statement {statement['id']}", statement["text"], recorded(("statement", subject)))
        for version in sorted(self.closeouts):
            document = canonical_json(get_json(f"{version_path(version)}outcome/"))
            name = f"the close-out of {version.removeprefix('version:')}"
            report.compare(name, document, recorded(("closeout", version)))
        for decision in pages(get_json, f"/api/v1/decisions/?page_size={page_size}"):
            name = f"decision {decision['id']}"
            report.compare(name, decision["rationale"], recorded(("rationale", str(decision["id"]))))
            for cited in decision.get("cites") or []:
                edge = f"{decision['id']}>{cited['decision']}"
                name = f"the reason decision {decision['id']} gives for citing decision {cited['decision']}"
                report.compare(name, cited["reason"], recorded(("citation reason", edge)))
        return report


def pages(get_json: GetJson, url: str) -> Iterator[dict]:
    while url:
        page = get_json(url)
        yield from page["results"]
        url = page["next"]
