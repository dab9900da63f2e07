"""Themes are data: one folder of design tokens per theme, one CSS file per gemeente.

Every gemeente's pages share the same HTML and ``components.css``; what differs is a
small CSS file of custom properties (``--samenloket-*``) built here from design
tokens. A theme folder ``themes/<name>/`` holds:

- ``theme.yaml``: ``name`` (display name), ``css_prefix`` (namespace of the theme's
  own brand tokens), ``logo`` (SVG path relative to ``static/``, or null), ``fonts``
  (list of ``{family, files}``; files are self-hosted woff2 paths relative to
  ``static/``, e.g. ``fonts/x-latin-400-normal.woff2``), ``licence`` and ``extends``
  (default ``base``).
- ``tokens.json``: NL Design System / W3C design tokens: nested groups whose leaves
  are ``{"$value", "$type"}`` (Style Dictionary's ``value``/``type`` also work), in
  three layers: brand (``<css_prefix>.*``), common (``basis.*``) and components
  (``samenloket.*``). Only the component layer becomes CSS.

A theme's tokens overlay those of the theme it extends (theme wins per token), then
aliases such as ``{basis.color.default.bg-document}`` are resolved, also inside
strings. The CSS is served from ``<static>/css/``, so font URLs start with ``../``.

Gemeenten without an own theme use ``base`` plus an accent colour derived from their
CBS code (:func:`generated_accent_theme`), so 339 sites still look distinct.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "BASE_THEME",
    "COMPONENT_ROOT",
    "NON_TEXT_PAIRS",
    "REQUIRED_TOKENS",
    "TEXT_PAIRS",
    "Theme",
    "ThemeError",
    "check_theme",
    "contrast_ratio",
    "generated_accent_theme",
    "list_themes",
    "load_theme",
    "theme_css",
]

BASE_THEME = "base"
COMPONENT_ROOT = "samenloket"
COMMON_ROOT = "basis"
FONT_URL_BASE = "../"
MIN_TEXT_CONTRAST = 4.5
MIN_NON_TEXT_CONTRAST = 3.0

REQUIRED_TOKENS: tuple[str, ...] = tuple(
    f"{COMPONENT_ROOT}.{name}"
    for name in (
        "page.background-color",
        "page.color",
        "page.font-family",
        "page.font-size",
        "page.line-height",
        "heading.color",
        "heading.font-family",
        "heading.font-weight",
        "link.color",
        "link.hover.color",
        "link.visited.color",
        "header.background-color",
        "header.color",
        "header.border-color",
        "nav.background-color",
        "nav.color",
        "footer.background-color",
        "footer.color",
        "footer.link.color",
        "button.primary.background-color",
        "button.primary.color",
        "button.primary.hover.background-color",
        "button.secondary.background-color",
        "button.secondary.color",
        "button.secondary.border-color",
        "focus.outline-color",
        "focus.outline-width",
        "focus.background-color",
        "focus.color",
        "border.color",
        "surface.background-color",
        "surface.color",
        "notice.background-color",
        "notice.color",
        "notice.border-color",
        "accent.color",
        "space.small",
        "space.medium",
        "space.large",
        "border-radius",
        "max-width",
    )
)


def _pairs(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((f"{COMPONENT_ROOT}.{a}", f"{COMPONENT_ROOT}.{b}") for a, b in pairs)


# (foreground, background): text must reach 4.5:1 (WCAG 1.4.3).
TEXT_PAIRS: tuple[tuple[str, str], ...] = _pairs(
    ("page.color", "page.background-color"),
    ("link.color", "page.background-color"),
    ("link.hover.color", "page.background-color"),
    ("link.visited.color", "page.background-color"),
    ("heading.color", "page.background-color"),
    ("header.color", "header.background-color"),
    ("nav.color", "nav.background-color"),
    ("footer.color", "footer.background-color"),
    ("footer.link.color", "footer.background-color"),
    ("button.primary.color", "button.primary.background-color"),
    ("button.primary.color", "button.primary.hover.background-color"),
    ("button.secondary.color", "button.secondary.background-color"),
    ("surface.color", "surface.background-color"),
    ("notice.color", "notice.background-color"),
    ("link.color", "surface.background-color"),
    ("focus.color", "focus.background-color"),
)

# (foreground, background): UI parts must reach 3:1 (WCAG 1.4.11).
NON_TEXT_PAIRS: tuple[tuple[str, str], ...] = _pairs(
    ("focus.outline-color", "page.background-color"),
    ("focus.outline-color", "header.background-color"),
    ("border.color", "page.background-color"),
    ("button.secondary.border-color", "page.background-color"),
)

# Pairs for optional component tokens that base defines; checked when both exist.
_OPTIONAL_TEXT_PAIRS: tuple[tuple[str, str], ...] = _pairs(
    ("tag.color", "tag.background-color"),
    ("step.number.color", "step.number.background-color"),
    ("table.header.color", "table.header.background-color"),
    ("input.color", "input.background-color"),
    ("link.color", "notice.background-color"),
)
_OPTIONAL_NON_TEXT_PAIRS: tuple[tuple[str, str], ...] = _pairs(
    ("input.border-color", "page.background-color"),
)

_ALIAS_RE = re.compile(r"\{([^{}\s]+)\}")
_FULL_ALIAS_RE = re.compile(r"^\{([^{}\s]+)\}$")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_UNSAFE_CSS_RE = re.compile(r"[;{}<>\\]|url\(|@import|expression\(|/\*", re.IGNORECASE)
_FONT_FILE_RE = re.compile(r"-(\d{3})-(normal|italic)\.woff2$")
_FONT_WEIGHTS = {
    "thin": 100,
    "extralight": 200,
    "light": 300,
    "regular": 400,
    "normal": 400,
    "medium": 500,
    "semibold": 600,
    "bold": 700,
    "extrabold": 800,
    "black": 900,
}
_GENERIC_FONTS = {
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "ui-serif",
    "ui-sans-serif",
    "ui-monospace",
    "ui-rounded",
    "-apple-system",
    "BlinkMacSystemFont",
}


class ThemeError(Exception):
    """A theme cannot be used; the message names the theme, file and token."""


@dataclass(frozen=True)
class _Token:
    """One token leaf before alias resolution, with the file that set it."""

    value: Any
    type: str | None
    source: str


@dataclass
class Theme:
    """A loaded, resolved theme: everything sitegen needs to render one site.

    ``static_dirs`` and ``template_dirs`` are ordered most specific first (the
    gemeente theme before the themes it extends): the first file found wins.
    """

    name: str
    directory: Path
    settings: dict[str, Any]
    tokens_resolved: dict[str, str]
    css: str
    static_dirs: list[Path]
    template_dirs: list[Path]
    accent_seed: str | None = None
    chain: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Loading and caching
# ---------------------------------------------------------------------------

_FILE_CACHE: dict[Path, tuple[tuple[int, int], Any]] = {}
_CHAIN_CACHE: dict[tuple[str, ...], tuple[tuple[Any, ...], _Merged]] = {}


def _display(path: Path) -> str:
    """Short path for messages: ``themes/<name>/tokens.json`` where possible."""
    parts = path.parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def _read_cached(path: Path, parse: str, theme: str) -> Any:
    """Parse a JSON/YAML file once per version, so 342 loads read base once."""
    try:
        stamp = _stamp(path)
    except FileNotFoundError:
        raise ThemeError(f"theme {theme!r}: {_display(path)} is missing") from None
    hit = _FILE_CACHE.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if parse == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ThemeError(f"theme {theme!r}: {_display(path)}: {exc}") from None
    _FILE_CACHE[path] = (stamp, data)
    return data


def list_themes(themes_dir: Path) -> list[str]:
    """Names of all theme folders (those with a theme.yaml), sorted."""
    return sorted(
        p.name for p in Path(themes_dir).iterdir() if (p / "theme.yaml").is_file()
    )


def _settings(name: str, directory: Path) -> dict[str, Any]:
    """Read theme.yaml with defaults filled in and types checked."""
    path = directory / "theme.yaml"
    raw = _read_cached(path, "yaml", name) or {}
    where = f"theme {name!r}: {_display(path)}"
    if not isinstance(raw, dict):
        raise ThemeError(f"{where}: expected a mapping")
    known = {"name", "css_prefix", "logo", "fonts", "licence", "extends"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ThemeError(f"{where}: unknown keys {', '.join(unknown)}")
    settings: dict[str, Any] = {
        "name": str(raw.get("name") or name),
        "css_prefix": raw.get("css_prefix"),
        "logo": raw.get("logo"),
        "fonts": raw.get("fonts") or [],
        "licence": str(raw.get("licence") or ""),
        "extends": raw.get("extends", None if name == BASE_THEME else BASE_THEME),
    }
    prefix = settings["css_prefix"]
    if not isinstance(prefix, str) or not _NAME_RE.match(prefix):
        raise ThemeError(f"{where}: css_prefix must be lower-case letters/digits/-")
    if prefix in (COMMON_ROOT, COMPONENT_ROOT):
        raise ThemeError(f"{where}: css_prefix {prefix!r} is reserved")
    if settings["logo"] is not None and not isinstance(settings["logo"], str):
        raise ThemeError(f"{where}: logo must be a path or null")
    fonts = settings["fonts"]
    if not isinstance(fonts, list) or not all(
        isinstance(f, dict)
        and isinstance(f.get("family"), str)
        and isinstance(f.get("files"), list)
        for f in fonts
    ):
        raise ThemeError(f"{where}: fonts must be a list of {{family, files: [...]}}")
    return settings


def _is_token(node: dict[str, Any]) -> bool:
    """W3C leaf (``$value``) or Style Dictionary leaf (``value``)."""
    if "$value" in node:
        return True
    if "value" not in node:
        return False
    inner = node["value"]
    return not (isinstance(inner, dict) and ("$value" in inner or "value" in inner))


def _flatten(
    node: Any,
    source: str,
    theme: str,
    out: dict[str, _Token],
    path: tuple[str, ...] = (),
    inherited_type: str | None = None,
) -> dict[str, _Token]:
    """Turn a token tree into ``{"a.b.c": _Token}``; group ``$type`` is inherited."""
    if not isinstance(node, dict):
        dotted = ".".join(path) or "(root)"
        raise ThemeError(
            f"theme {theme!r}: {source}: {dotted} is neither a group nor a token"
        )
    if path and _is_token(node):
        value = node["$value"] if "$value" in node else node["value"]
        type_ = node.get("$type", node.get("type", inherited_type))
        out[".".join(path)] = _Token(value, type_, source)
        return out
    group_type = node.get("$type", inherited_type)
    for key, child in node.items():
        if key.startswith("$"):
            continue
        if "." in key or "{" in key or "}" in key:
            raise ThemeError(
                f"theme {theme!r}: {source}: bad token name {'.'.join((*path, key))!r}"
            )
        _flatten(child, source, theme, out, (*path, key), group_type)
    return out


def _check_layers(name: str, prefix: str, tokens: dict[str, _Token]) -> None:
    """A theme's own tokens live under its brand prefix, basis or samenloket."""
    allowed = {prefix, COMMON_ROOT, COMPONENT_ROOT}
    for path, token in tokens.items():
        root = path.split(".", 1)[0]
        if root not in allowed:
            raise ThemeError(
                f"theme {name!r}: {token.source}: token {path!r} is outside the "
                f"layers {', '.join(sorted(allowed))}"
            )


def _chain(
    name: str, themes_dir: Path, seen: tuple[str, ...] = ()
) -> list[tuple[str, Path, dict[str, Any]]]:
    """The extends chain, most specific first: [(name, dir, settings), ...]."""
    if not _NAME_RE.match(name):
        raise ThemeError(f"theme {name!r}: not a valid theme name")
    if name in seen:
        raise ThemeError(f"theme {name!r}: extends cycle {' -> '.join((*seen, name))}")
    directory = themes_dir / name
    if not (directory / "theme.yaml").is_file():
        raise ThemeError(
            f"theme {name!r}: {_display(directory / 'theme.yaml')} not found"
        )
    settings = _settings(name, directory)
    parent = settings["extends"]
    links = [(name, directory, settings)]
    if parent:
        links.extend(_chain(str(parent), themes_dir, (*seen, name)))
    return links


@dataclass
class _Merged:
    """Raw and resolved tokens of one extends chain, cached per file version."""

    tokens: dict[str, _Token]
    resolved: dict[str, Any]
    strings: dict[str, str]
    component_paths: list[str]
    dependents: dict[frozenset[str], set[str]] = field(default_factory=dict)
    frames: dict[frozenset[str], _AccentFrame] = field(default_factory=dict)

    def accent_frame(self, theme: str, accent: frozenset[str]) -> _AccentFrame:
        """What every accent of these token paths leaves as it is (made once)."""
        frame = self.frames.get(accent)
        if frame is None:
            frame = self.frames[accent] = _AccentFrame.make(theme, self, accent)
        return frame

    def stale(self, changed: frozenset[str]) -> set[str]:
        """``changed`` plus every token that refers to one of them, transitively."""
        hit = self.dependents.get(changed)
        if hit is None:
            reverse: dict[str, set[str]] = {}
            for path, token in self.tokens.items():
                for ref in _ALIAS_RE.findall(json.dumps(token.value)):
                    reverse.setdefault(ref, set()).add(path)
            hit = set(changed)
            todo = list(changed)
            while todo:
                for dep in reverse.get(todo.pop(), ()):
                    if dep not in hit:
                        hit.add(dep)
                        todo.append(dep)
            self.dependents[changed] = hit
        return hit


@dataclass
class _AccentFrame:
    """An extends chain with the accent's tokens left open: the 339 gemeenten on
    base differ only in those and the tokens that refer to them, so only those
    are resolved and written per gemeente."""

    stale: list[str]  # the accent's tokens and every token referring to one
    known: dict[str, Any]  # every other token, resolved
    strings: dict[str, str]  # CSS text of those
    declarations: list[str]  # the component CSS, "" where a stale token goes
    open_slots: list[tuple[int, str]]  # (index in declarations, stale path)
    order: list[str]  # every path with CSS text (fixed and stale), sorted

    @classmethod
    def make(cls, theme: str, merged: _Merged, accent: frozenset[str]) -> _AccentFrame:
        stale = merged.stale(accent)
        strings = {k: v for k, v in merged.strings.items() if k not in stale}
        declarations: list[str] = []
        open_slots: list[tuple[int, str]] = []
        for path in merged.component_paths:
            if path in stale:
                open_slots.append((len(declarations), path))
                declarations.append("")
            else:
                declarations.append(_declaration(theme, merged.tokens, path, strings))
        return cls(
            stale=sorted(stale),
            known={k: v for k, v in merged.resolved.items() if k not in stale},
            strings=strings,
            declarations=declarations,
            open_slots=open_slots,
            order=sorted(strings.keys() | stale),
        )

    def fill(self, theme: str, tokens: dict[str, _Token]
             ) -> tuple[dict[str, str], str]:
        """(CSS text by token path, sorted; component CSS) with the accent's
        values in `tokens`: the same as resolving and writing them all."""
        done = dict(self.known)
        for path in self.stale:
            _resolve_one(path, tokens, theme, done, [])
        strings = {**self.strings, **_css_strings(tokens, done, self.stale)}
        declarations = list(self.declarations)
        for index, path in self.open_slots:
            declarations[index] = _declaration(theme, tokens, path, strings)
        ordered = {path: strings[path] for path in self.order if path in strings}
        return ordered, ":root{" + ";".join(declarations) + "}"


def _merged_tokens(links: list[tuple[str, Path, dict[str, Any]]]) -> _Merged:
    """Overlay token files from the root theme down, then resolve aliases.

    Cached on the files' mtimes, so 339 base+accent loads resolve base once.
    """
    key = tuple(str(d) for _, d, _ in links)
    stamps = tuple(
        _stamp(d / name) if (d / name).exists() else None
        for _, d, _ in links
        for name in ("theme.yaml", "tokens.json")
    )
    hit = _CHAIN_CACHE.get(key)
    if hit is not None and hit[0] == stamps:
        return hit[1]
    merged: dict[str, _Token] = {}
    for name, directory, settings in reversed(links):
        path = directory / "tokens.json"
        if not path.exists():
            continue
        tree = _read_cached(path, "json", name)
        own = _flatten(tree, _display(path), name, {})
        _check_layers(name, settings["css_prefix"], own)
        merged.update(own)
    resolved = _resolve_all(merged, links[0][0])
    strings = _css_strings(merged, resolved, resolved)
    result = _Merged(merged, resolved, strings, _component_paths(links[0][0], merged))
    _CHAIN_CACHE[key] = (stamps, result)  # replaces an outdated version
    return result


# ---------------------------------------------------------------------------
# Alias resolution
# ---------------------------------------------------------------------------


def _resolve_all(
    tokens: dict[str, _Token],
    theme: str,
    known: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Resolve every alias; ``known`` holds values already resolved (a cache)."""
    done: dict[str, Any] = dict(known or {})
    for path in tokens:
        if path not in done:
            _resolve_one(path, tokens, theme, done, [])
    return done


def _resolve_one(
    path: str,
    tokens: dict[str, _Token],
    theme: str,
    done: dict[str, Any],
    stack: list[str],
) -> Any:
    if path in done:
        return done[path]
    token = tokens[path]
    if path in stack:
        cycle = " -> ".join([*stack[stack.index(path) :], path])
        raise ThemeError(f"theme {theme!r}: {token.source}: alias cycle {cycle}")
    stack.append(path)
    value = _resolve_value(token.value, path, tokens, theme, done, stack)
    stack.pop()
    done[path] = value
    return value


def _resolve_value(
    value: Any,
    path: str,
    tokens: dict[str, _Token],
    theme: str,
    done: dict[str, Any],
    stack: list[str],
) -> Any:
    if isinstance(value, str):
        if "{" not in value:
            return value

        def target(ref: str) -> Any:
            if ref not in tokens:
                raise ThemeError(
                    f"theme {theme!r}: {tokens[path].source}: token {path!r} "
                    f"refers to unknown token {{{ref}}}"
                )
            return _resolve_one(ref, tokens, theme, done, stack)

        full = _FULL_ALIAS_RE.match(value)
        if full:
            return target(full.group(1))

        def embed(match: re.Match[str]) -> str:
            ref = match.group(1)
            try:
                return _css_value(target(ref), tokens[ref].type)
            except ValueError as exc:
                raise ThemeError(
                    f"theme {theme!r}: {tokens[path].source}: token {path!r} embeds "
                    f"{{{ref}}}: {exc}"
                ) from None

        return _ALIAS_RE.sub(embed, value)
    if isinstance(value, list):
        return [_resolve_value(v, path, tokens, theme, done, stack) for v in value]
    if isinstance(value, dict):
        return {
            k: _resolve_value(v, path, tokens, theme, done, stack)
            for k, v in value.items()
        }
    return value


# ---------------------------------------------------------------------------
# CSS
# ---------------------------------------------------------------------------


def _number(value: float) -> str:
    if isinstance(value, bool):
        raise ValueError("boolean is not a CSS value")
    if float(value).is_integer():
        return str(int(value))
    return format(value, "g")


def _font_name(name: str) -> str:
    name = name.strip().strip("'\"")
    if name in _GENERIC_FONTS or re.fullmatch(r"[A-Za-z-]+", name):
        return name
    return f'"{name}"'


def _css_value(value: Any, type_: str | None) -> str:
    """Render a resolved token value as CSS text (W3C composite types too)."""
    if isinstance(value, str):
        if type_ == "fontWeight" and value.lower() in _FONT_WEIGHTS:
            return str(_FONT_WEIGHTS[value.lower()])
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(value)
    if isinstance(value, list):
        if type_ == "fontFamily":
            return ", ".join(_font_name(str(v)) for v in value)
        if type_ == "cubicBezier":
            return "cubic-bezier(" + ", ".join(_css_value(v, None) for v in value) + ")"
        return ", ".join(_css_value(v, type_) for v in value)
    if isinstance(value, dict):
        if "unit" in value and "value" in value:
            return f"{_css_value(value['value'], None)}{value['unit']}"
        if "hex" in value:
            return str(value["hex"])
        if type_ == "border" and {"width", "style", "color"} <= value.keys():
            return " ".join(
                _css_value(value[k], None) for k in ("width", "style", "color")
            )
        if type_ == "shadow" and {"offsetX", "offsetY", "color"} <= value.keys():
            parts = [value["offsetX"], value["offsetY"], value.get("blur", "0")]
            parts += [value.get("spread", "0"), value["color"]]
            return " ".join(_css_value(v, None) for v in parts)
    raise ValueError(f"cannot write {type_ or 'untyped'} value {value!r} as CSS")


def _css_name(path: str) -> str:
    return "--" + path.replace(".", "-")


def _font_faces(name: str, directory: Path, settings: dict[str, Any]) -> list[str]:
    """@font-face rules for the theme's self-hosted woff2 files."""
    rules: list[str] = []
    where = f"theme {name!r}: {_display(directory / 'theme.yaml')}"
    for font in settings["fonts"]:
        family = font["family"]
        if _UNSAFE_CSS_RE.search(family) or '"' in family:
            raise ThemeError(f"{where}: bad font family {family!r}")
        for entry in font["files"]:
            spec = entry if isinstance(entry, dict) else {"path": entry}
            rel = str(spec.get("path", ""))
            if (
                not rel.endswith(".woff2")
                or rel.startswith("/")
                or ".." in Path(rel).parts
                or not re.fullmatch(r"[A-Za-z0-9._/-]+", rel)
            ):
                raise ThemeError(f"{where}: font file {rel!r} must be a local .woff2")
            if not (directory / "static" / rel).is_file():
                raise ThemeError(f"{where}: font file static/{rel} not found")
            m = _FONT_FILE_RE.search(rel)
            weight = str(spec.get("weight", m.group(1) if m else "400"))
            style = str(spec.get("style", m.group(2) if m else "normal"))
            if not re.fullmatch(r"\d{3}( \d{3})?", weight) or style not in (
                "normal",
                "italic",
            ):
                raise ThemeError(f"{where}: bad weight/style for font file {rel!r}")
            rules.append(
                f'@font-face{{font-family:"{family}";font-style:{style};'
                f"font-weight:{weight};font-display:swap;"
                f'src:url("{FONT_URL_BASE}{rel}") format("woff2")}}'
            )
    return sorted(rules)


def _css_strings(
    tokens: dict[str, _Token], resolved: dict[str, Any], paths: Iterable[str]
) -> dict[str, str]:
    """CSS text of each resolved token that has one (typography objects do not)."""
    out: dict[str, str] = {}
    for path in paths:
        try:
            out[path] = " ".join(_css_value(resolved[path], tokens[path].type).split())
        except ValueError:
            continue
    return out


def _component_paths(name: str, tokens: dict[str, _Token]) -> list[str]:
    """Component token paths sorted by CSS name; no two may share a CSS name."""
    names: dict[str, str] = {}
    prefix = COMPONENT_ROOT + "."
    paths = sorted((p for p in tokens if p.startswith(prefix)), key=_css_name)
    for path in paths:
        other = names.setdefault(_css_name(path), path)
        if other != path:
            raise ThemeError(
                f"theme {name!r}: {tokens[path].source}: tokens {other!r} and "
                f"{path!r} both become {_css_name(path)}"
            )
    return paths


def _component_css(
    name: str,
    tokens: dict[str, _Token],
    paths: list[str],
    strings: dict[str, str],
) -> str:
    """``:root{--samenloket-...}`` sorted by property name: stable bytes."""
    return ":root{" + ";".join(_declaration(name, tokens, path, strings)
                               for path in paths) + "}"


def _declaration(name: str, tokens: dict[str, _Token], path: str,
                 strings: dict[str, str]) -> str:
    """One ``--samenloket-...:value`` of the component CSS, its value checked."""
    text = strings.get(path)
    if text is None:
        raise ThemeError(
            f"theme {name!r}: {tokens[path].source}: {path}: cannot write "
            f"{tokens[path].type or 'untyped'} value as CSS"
        )
    if not text or _UNSAFE_CSS_RE.search(text):
        raise ThemeError(
            f"theme {name!r}: {tokens[path].source}: {path}: unsafe or empty "
            f"CSS value {text!r}"
        )
    return f"--{path.replace('.', '-')}:{text}"


def theme_css(theme: Theme) -> str:
    """The one CSS file that differs per gemeente (byte-stable for equal input)."""
    return theme.css


# ---------------------------------------------------------------------------
# Colour and contrast
# ---------------------------------------------------------------------------

_NAMED = {
    "white": (1.0, 1.0, 1.0, 1.0),
    "black": (0.0, 0.0, 0.0, 1.0),
    "transparent": (0.0, 0.0, 0.0, 0.0),
}
_RGB = tuple[float, float, float]


@functools.lru_cache(maxsize=8192)
def _parse_color(text: str) -> tuple[float, float, float, float]:
    """CSS colour (hex, rgb(a), hsl(a), a few names) → RGBA in 0..1."""
    s = text.strip().lower()
    if s in _NAMED:
        return _NAMED[s]
    if s.startswith("#"):
        h = s[1:]
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        if len(h) in (6, 8) and re.fullmatch(r"[0-9a-f]+", h):
            vals = [int(h[i : i + 2], 16) / 255 for i in range(0, len(h), 2)]
            return (vals[0], vals[1], vals[2], vals[3] if len(vals) == 4 else 1.0)
    m = re.fullmatch(r"(rgba?|hsla?)\((.*)\)", s)
    if m:
        parts = [p for p in re.split(r"[\s,/]+", m.group(2).strip()) if p]
        if len(parts) in (3, 4):

            def num(p: str, scale: float) -> float:
                return float(p[:-1]) / 100 if p.endswith("%") else float(p) / scale

            alpha = num(parts[3], 1.0) if len(parts) == 4 else 1.0
            if m.group(1).startswith("rgb"):
                r, g, b = (num(p, 255.0) for p in parts[:3])
            else:
                hue = float(parts[0].removesuffix("deg")) / 360 % 1.0
                sat, light = num(parts[1], 100.0), num(parts[2], 100.0)
                r, g, b = colorsys.hls_to_rgb(hue, light, sat)
            return (r, g, b, alpha)
    raise ValueError(f"not a colour this check understands: {text!r}")


def _over(fg: tuple[float, float, float, float], bg: _RGB) -> _RGB:
    a = fg[3]
    return (
        fg[0] * a + bg[0] * (1 - a),
        fg[1] * a + bg[1] * (1 - a),
        fg[2] * a + bg[2] * (1 - a),
    )


def _luminance(rgb: _RGB) -> float:
    """WCAG 2.x relative luminance."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@functools.lru_cache(maxsize=8192)
def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS colours (translucency blended over white)."""
    bg = _over(_parse_color(background), (1.0, 1.0, 1.0))
    fg = _over(_parse_color(foreground), bg)
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hex(rgb: _RGB) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def _check_pairs(
    theme: Theme,
    pairs: tuple[tuple[str, str], ...],
    minimum: float,
) -> list[str]:
    problems: list[str] = []
    tokens = theme.tokens_resolved
    for fg, bg in pairs:
        if fg not in tokens or bg not in tokens:
            continue  # a missing required token is reported on its own
        try:
            ratio = contrast_ratio(tokens[fg], tokens[bg])
        except ValueError as exc:
            problems.append(f"theme {theme.name!r}: {fg} / {bg}: {exc}")
            continue
        if ratio < minimum:
            problems.append(
                f"theme {theme.name!r}: contrast {fg} on {bg} is {ratio:.2f}:1 "
                f"({tokens[fg]} on {tokens[bg]}), needs at least {minimum:g}:1"
            )
    return problems


def _check_svg(theme: Theme) -> list[str]:
    """Logo must be a local SVG without scripts or external references."""
    logo = theme.settings.get("logo")
    if not logo:
        return []
    where = f"theme {theme.name!r}: logo {logo!r}"
    if not str(logo).endswith(".svg") or ".." in Path(str(logo)).parts:
        return [f"{where} must be an .svg inside static/"]
    for directory in theme.static_dirs:
        path = directory / str(logo)
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            bad = ("<script", "javascript:", 'href="http', "href='http", "url(http")
            found = [b for b in bad if b in text]
            if "<foreignobject" in text:
                found.append("<foreignObject")
            return [f"{where} contains {', '.join(found)}"] if found else []
    return [f"{where} not found in {', '.join(_display(d) for d in theme.static_dirs)}"]


def check_theme(theme: Theme) -> list[str]:
    """All problems that make a theme unfit to publish (empty list: fine).

    Required component tokens, WCAG contrast of the text/background pairs (4.5:1)
    and of focus/border against their background (3:1), and a safe logo.
    """
    problems = [
        f"theme {theme.name!r}: required token {path} is missing"
        for path in REQUIRED_TOKENS
        if path not in theme.tokens_resolved
    ]
    problems += _check_pairs(theme, TEXT_PAIRS, MIN_TEXT_CONTRAST)
    problems += _check_pairs(theme, _OPTIONAL_TEXT_PAIRS, MIN_TEXT_CONTRAST)
    problems += _check_pairs(theme, NON_TEXT_PAIRS, MIN_NON_TEXT_CONTRAST)
    problems += _check_pairs(theme, _OPTIONAL_NON_TEXT_PAIRS, MIN_NON_TEXT_CONTRAST)
    problems += _check_svg(theme)
    return problems


# ---------------------------------------------------------------------------
# Generated accent themes
# ---------------------------------------------------------------------------


def _hls_hex(h: float, light: float, s: float) -> str:
    return _hex(colorsys.hls_to_rgb(h, max(0.0, min(1.0, light)), s))


_LINEAR = tuple(
    c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    for c in (i / 255 for i in range(256))
)


def _hls_luminance(h: float, light: float, s: float) -> float:
    """Relative luminance of the 8-bit colour that :func:`_hls_hex` writes."""
    r, g, b = (
        _LINEAR[round(max(0.0, min(1.0, c)) * 255)]
        for c in colorsys.hls_to_rgb(h, max(0.0, min(1.0, light)), s)
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _darken_until(h: float, s: float, light: float, against: list[str]) -> float:
    """Highest lightness <= ``light`` whose colour reaches 4.5:1 on every background.

    Darker means more contrast on light backgrounds, so bisect.
    """
    need = MIN_TEXT_CONTRAST + 0.1
    lums = [_luminance(_over(_parse_color(bg), (1.0, 1.0, 1.0))) for bg in set(against)]

    def passes(value: float) -> bool:
        own = _hls_luminance(h, value, s)
        return all((max(own, bg) + 0.05) / (min(own, bg) + 0.05) >= need for bg in lums)

    if passes(light):
        return light
    lo, hi = 0.0, light  # passes(lo): black on light backgrounds
    for _ in range(10):
        mid = (lo + hi) / 2
        if passes(mid):
            lo = mid
        else:
            hi = mid
    return lo


def generated_accent_theme(
    cbs_code: str, display_name: str, backgrounds: Sequence[str] = ("#ffffff",)
) -> dict[str, Any]:
    """Token override giving a gemeente without its own theme a distinct accent.

    The hue comes from a hash of the CBS code, so the colour is stable between
    builds; it is darkened until white text on it, and it as link colour on each
    of ``backgrounds`` (page, surface, notice), reach 4.5:1. The result is a token
    tree to overlay on base.
    """
    digest = hashlib.sha256(cbs_code.strip().upper().encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    sat = 0.55 + digest[2] / 255 * 0.3
    light = _darken_until(hue, sat, 0.5, ["#ffffff", *backgrounds])
    base = _hls_hex(hue, light, sat)
    hover = _hls_hex(hue, light * 0.78, sat)
    darkest = _hls_hex(hue, min(light * 0.55, 0.2), sat)
    tint = _hls_hex(hue, 0.95, sat * 0.7)
    subtle = _hls_hex(hue, 0.975, sat * 0.6)
    soft_border = _hls_hex(hue, 0.8, sat * 0.6)

    def c(value: str) -> dict[str, str]:
        return {"$value": value, "$type": "color"}

    return {
        "$description": f"Generated accent for {display_name} ({cbs_code})",
        COMMON_ROOT: {
            "color": {
                "accent-1": {
                    "bg-subtle": c(subtle),
                    "bg-default": c(tint),
                    "border-subtle": c(soft_border),
                    "border-default": c(base),
                    "border-hover": c(hover),
                    "color-default": c(base),
                    "color-hover": c(hover),
                    "color-subtle": c(base),
                    "color-document": c(darkest),
                },
                "accent-1-inverse": {
                    "bg-document": c(hover),
                    "bg-default": c(base),
                    "bg-hover": c(darkest),
                },
            }
        },
    }


_ACCENT_CACHE: dict[tuple[str, tuple[str, ...]], dict[str, _Token]] = {}
_ACCENT_BACKGROUNDS = tuple(
    f"{COMPONENT_ROOT}.{name}.background-color"
    for name in ("page", "surface", "notice")
)


def _accent_tokens(seed: str, backgrounds: tuple[str, ...]) -> dict[str, _Token]:
    key = (seed, backgrounds)
    hit = _ACCENT_CACHE.get(key)
    if hit is None:
        tree = generated_accent_theme(seed, seed, backgrounds)
        hit = _flatten(tree, f"generated accent {seed}", seed, {})
        _ACCENT_CACHE[key] = hit
    return hit


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------


def load_theme(
    name: str,
    themes_dir: Path,
    accent_seed: str | None = None,
    *,
    check: bool = True,
) -> Theme:
    """Load, merge and resolve a theme (plus what it extends) into CSS.

    ``accent_seed`` (a CBS code) overlays a generated accent colour, for gemeenten
    without their own theme. With ``check`` (the default) any problem from
    :func:`check_theme` raises :class:`ThemeError`; previews may pass False.
    """
    themes_dir = Path(themes_dir)
    links = _chain(name, themes_dir)
    merged = _merged_tokens(links)
    if accent_seed:
        backgrounds = tuple(
            _css_value(merged.resolved[p], "color")
            for p in _ACCENT_BACKGROUNDS
            if p in merged.resolved
        )
        accent = _accent_tokens(accent_seed, backgrounds)
        frame = merged.accent_frame(name, frozenset(accent))
        strings, component_css = frame.fill(name, {**merged.tokens, **accent})
    else:
        strings = dict(sorted(merged.strings.items()))
        component_css = _component_css(name, merged.tokens, merged.component_paths,
                                       merged.strings)
    settings = dict(links[0][2])
    directory = links[0][1]
    faces: list[str] = []
    for link_name, link_dir, link_settings in links:
        if link_settings["fonts"]:
            faces = _font_faces(link_name, link_dir, link_settings)
            break
    css = "".join(faces) + component_css + "\n"
    theme = Theme(
        name=name,
        directory=directory,
        settings=settings,
        tokens_resolved=strings,
        css=css,
        static_dirs=[d / "static" for _, d, _ in links if (d / "static").is_dir()],
        template_dirs=[
            d / "templates"
            for i, (_, d, _) in enumerate(links)
            if i == len(links) - 1 or (d / "templates").is_dir()
        ],
        accent_seed=accent_seed,
        chain=[n for n, _, _ in links],
    )
    if check:
        problems = check_theme(theme)
        if problems:
            raise ThemeError("\n".join(problems))
    return theme
