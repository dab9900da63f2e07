"""Plain-language checks on catalogue texts (a proxy for B1, not a substitute).

Dutch government writes at B1 level; short sentences and few long words are the
measurable part of that. The report also catches placeholders and links to pages
that do not exist, which the schema cannot see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import SECTION_HEADINGS, Catalogue

MAX_AVERAGE_SENTENCE_WORDS = 15.0
LONG_WORD_LETTERS = 20
MAX_LONG_WORD_SHARE = 0.03
PLACEHOLDERS = re.compile(
    r"lorem|ipsum|\btodo\b|\bxxx+\b|\btbd\b|\[invullen\]|\{\{|\}\}|\bfixme\b|"
    r"\bvoorbeeldtekst\b|\bplaceholder\b",
    re.IGNORECASE,
)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_INTERNAL = re.compile(r"^/(producten|levensgebeurtenissen)/([a-z0-9-]+)/?(#.*)?$")
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:[-'][A-Za-zÀ-ÿ]+)*")


def plain_text(markdown: str) -> str:
    """Markdown reduced to the words a reader reads (links keep their text)."""
    text = _LINK.sub(lambda m: m.group(1), markdown)
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    return text.replace("**", "").replace("__", "")


def sentences(text: str) -> list[str]:
    """Sentences, counting each list item and heading line as one."""
    parts: list[str] = []
    for line in plain_text(text).splitlines():
        line = line.strip()
        if not line:
            continue
        parts += [
            s
            for s in re.split(r"(?<=[.!?:])\s+(?=[A-Z0-9À-Ý\"'(])", line)
            if _WORD.search(s)
        ]
    return parts


@dataclass
class TextReport:
    slug: str
    kind: str
    sentences: int = 0
    words: int = 0
    long_words: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def average_sentence_words(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_text(report: TextReport, label: str, text: str, catalogue: Catalogue) -> None:
    if not text.strip():
        report.problems.append(f"{label}: leeg")
        return
    if PLACEHOLDERS.search(text):
        report.problems.append(
            f"{label}: bevat opvultekst '{PLACEHOLDERS.search(text).group(0)}'"
        )
    for _, target in _LINK.findall(text):
        match = _INTERNAL.match(target)
        if target.startswith("/") and not match:
            report.problems.append(f"{label}: interne link {target} bestaat niet")
        elif match:
            kind, slug = match.group(1), match.group(2)
            pool = catalogue.products if kind == "producten" else catalogue.life_events
            if slug not in pool:
                report.problems.append(f"{label}: interne link {target} bestaat niet")
    for sentence in sentences(text):
        words = _WORD.findall(sentence)
        report.sentences += 1
        report.words += len(words)
        report.long_words += [
            w for w in words if len(w.replace("-", "")) > LONG_WORD_LETTERS
        ]


def finish(report: TextReport) -> TextReport:
    if report.average_sentence_words > MAX_AVERAGE_SENTENCE_WORDS:
        report.problems.append(
            f"gemiddeld {report.average_sentence_words:.1f} woorden per zin "
            f"(doel: hooguit {MAX_AVERAGE_SENTENCE_WORDS:.0f}); maak zinnen korter"
        )
    if report.words and len(report.long_words) / report.words > MAX_LONG_WORD_SHARE:
        report.problems.append(
            f"{len(report.long_words)} lange woorden (> {LONG_WORD_LETTERS} letters): "
            + ", ".join(sorted(set(report.long_words))[:5])
        )
    return report


def product_reports(catalogue: Catalogue) -> list[TextReport]:
    reports: list[TextReport] = []
    for slug, product in sorted(catalogue.products.items()):
        report = TextReport(slug, "product")
        check_text(report, "samenvatting", product.summary, catalogue)
        for key, text in product.sections.items():
            check_text(report, SECTION_HEADINGS[key], text, catalogue)
        reports.append(finish(report))
    for slug, event in sorted(catalogue.life_events.items()):
        report = TextReport(slug, "levensgebeurtenis")
        check_text(report, "samenvatting", event.summary, catalogue)
        check_text(report, "inleiding", event.intro, catalogue)
        for index, step in enumerate(event.steps, start=1):
            check_text(report, f"stap {index}", step.title + ".", catalogue)
            for item in step.items:
                if item.text:
                    check_text(report, f"stap {index}", item.text, catalogue)
        reports.append(finish(report))
    for code, profile in sorted(catalogue.profiles.items()):
        for local in profile.products.values():
            report = TextReport(f"{code}/{local.product}", "lokaal product")
            for key, text in local.sections.items():
                check_text(report, SECTION_HEADINGS[key], text, catalogue)
            if local.local_text:
                check_text(report, "lokale informatie", local.local_text, catalogue)
            if report.sentences or report.problems:
                reports.append(finish(report))
    return reports
