"""What changed between two versions: clauses added, removed and changed, with word-level changes."""

import difflib
import html
import re
from dataclasses import dataclass

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from consultation.models import GuidelineVersion

TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
BLOCK_END = re.compile(r"</(?:p|li|h\d|blockquote|pre|tr)>|<br ?/?>")


def plain_text(stored_html: str) -> str:
    """What a reader sees of a clause's stored HTML, as text: diffing the Markdown would show `**` around changed
    words."""
    rendered = BLOCK_END.sub("\n", stored_html.replace("<li>", "<li>• "))
    return re.sub(r"\n{3,}", "\n\n", html.unescape(strip_tags(rendered))).strip()


def word_diff(before: str, after: str) -> SafeString:
    """Escaped text with <del> and <ins> around the words that changed."""
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


@dataclass
class ClauseDiff:
    key: str
    kind: str
    heading: SafeString | str
    text: SafeString | str


def diff_versions(older: GuidelineVersion, newer: GuidelineVersion) -> list[ClauseDiff]:
    before = {c.key: c for c in older.clauses.all()}
    after = {c.key: c for c in newer.clauses.all()}
    result = []
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            result.append(ClauseDiff(key, "added", new.heading, plain_text(new.text_html)))
        elif (old.heading, old.text) != (new.heading, new.text):
            text = word_diff(plain_text(old.text_html), plain_text(new.text_html))
            result.append(ClauseDiff(key, "changed", word_diff(old.heading, new.heading), text))
        else:
            stored = mark_safe(new.text_html)  # noqa: S308 (sanitised by core.markdown when the clause was written)
            result.append(ClauseDiff(key, "unchanged", new.heading, stored))
    for key, old in before.items():
        if key not in after:
            result.append(ClauseDiff(key, "removed", old.heading, plain_text(old.text_html)))
    return result
