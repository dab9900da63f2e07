"""Reading content text files with line numbers: YAML, front matter, sections.

Errors from here carry the line in the file, so validation messages can point at
the exact spot. Python's YAML loader forgets lines; the composed node tree keeps
them, so values and a path → line map are built from the nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C loader is ~10× faster; keep working without libyaml
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]


class TextFileError(ValueError):
    """A file that cannot be read as intended, with the line where it broke."""

    def __init__(self, message: str, line: int | None = None, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.fix = fix


@dataclass
class Located:
    """Parsed data plus the line of every key, for error messages."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_, offset: int = 0) -> int | None:
        """Line of the nearest known ancestor of path (1-based, file-relative)."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path] + offset
            if not path:
                return None
            path = path[:-1]


def _construct(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise TextFileError(
                    "een sleutel moet een woord zijn", key_node.start_mark.line + 1
                )
            key = key_node.value
            if key in result:
                raise TextFileError(
                    f"sleutel '{key}' staat er twee keer",
                    key_node.start_mark.line + 1,
                    "verwijder een van de twee",
                )
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, path + (key,), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, path + (index,), lines)
            for index, item in enumerate(node.value)
        ]
    # Scalars: let the safe constructor apply YAML's own typing rules.
    try:
        return _SCALARS.construct_object(node, deep=True)
    finally:
        _SCALARS.constructed_objects.clear()
        _SCALARS.recursive_objects.clear()


_SCALARS = yaml.constructor.SafeConstructor()


def parse_yaml(text: str, first_line: int = 1) -> Located:
    """Parse one YAML document, keeping the line of every key."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else first_line
        raise TextFileError(
            f"ongeldige YAML: {exc.problem or exc.context}",
            line,
            "controleer inspringing, dubbele punten en aanhalingstekens",
        ) from None
    except yaml.YAMLError as exc:
        raise TextFileError(f"ongeldige YAML: {exc}", first_line) from None
    lines: dict[Path_, int] = {}
    if node is None:
        return Located({}, {(): first_line})
    try:
        data = _construct(node, (), lines)
    except TextFileError as exc:
        if exc.line is not None:
            exc.line += first_line - 1
        raise
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise TextFileError(f"ongeldige waarde: {exc}", first_line) from None
    return Located(data, {k: v + first_line - 1 for k, v in lines.items()})


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split '---' YAML front matter from the Markdown body.

    Returns (yaml_text, body, body_first_line).
    """
    if not text.startswith("---\n") and not text.startswith("---\r\n"):
        raise TextFileError(
            "het bestand begint niet met '---'",
            1,
            "zet de gegevens bovenaan tussen twee regels met alleen '---'",
        )
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise TextFileError(
        "de gegevens bovenaan worden niet afgesloten met '---'",
        len(lines),
        "zet een regel met alleen '---' onder de gegevens",
    )


_HEADING_RE = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^(```|~~~)")


@dataclass
class Section:
    heading: str
    text: str
    line: int


def split_sections(body: str, first_line: int) -> tuple[str, list[Section]]:
    """Split Markdown on level-2 headings; return (text before, sections)."""
    intro: list[str] = []
    sections: list[Section] = []
    in_fence = False
    for offset, raw in enumerate(body.splitlines()):
        if _FENCE_RE.match(raw):
            in_fence = not in_fence
        match = None if in_fence else _HEADING_RE.match(raw)
        if match:
            sections.append(Section(match.group(1), "", first_line + offset))
        elif sections:
            sections[-1].text += raw + "\n"
        else:
            intro.append(raw)
    for section in sections:
        section.text = section.text.strip()
    return "\n".join(intro).strip(), sections


_META_RE = re.compile(r"^([A-Za-z][A-Za-z_]*):\s*(.*)$")


def parse_pelican_metadata(text: str) -> tuple[dict[str, tuple[str, int]], str, int]:
    """Read Pelican's Markdown metadata header ('Title: …' lines, blank line).

    Returns ({lowercased key: (value, line)}, body, body_first_line).
    """
    meta: dict[str, tuple[str, int]] = {}
    lines = text.splitlines()
    index = 0
    for index, raw in enumerate(lines):
        if not raw.strip():
            break
        match = _META_RE.match(raw)
        if not match:
            raise TextFileError(
                f"regel '{raw[:40]}' is geen gegeven in de vorm 'Naam: waarde'",
                index + 1,
                "zet een lege regel tussen de gegevens (Title:, Date:, Summary:) "
                "en de tekst",
            )
        key = match.group(1).lower()
        if key in meta:
            raise TextFileError(f"'{match.group(1)}' staat er twee keer", index + 1)
        meta[key] = (match.group(2).strip(), index + 1)
    else:
        index = len(lines)
    return meta, "\n".join(lines[index + 1 :]).strip(), index + 2
