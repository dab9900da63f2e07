"""Render once for a placeholder gemeente, then fill in each gemeente's own values.

Most gemeenten have no local data: their sites, feeds and open data differ only
in the gemeente's identity (name, codes, OWMS URI, province, and the slug in the
site's address). Rendering all of that 342 times repeats the same work, so a
page is rendered once for a *placeholder* gemeente whose identity fields are
markers (`masked_catalogue`), cut at the markers into a `Stamp`, and each
gemeente's copy is the stamp filled with its own values.

This is exact only when filling gives the bytes a real rendering gives. Two
things make sure of that:

- only values that every escaping we use leaves alone are filled in
  (`identity_values`: letters, digits and `` .,()-_:/``; a value with a quote,
  ampersand or anything else is never stamped, its site is rendered in full);
- the placeholder values are `Opaque`: code that compares, measures or cuts
  them (a template branching on a name) fails on the placeholder, and that
  page is rendered in full for every gemeente;
- the caller compares the first stamped copy with a real rendering of the same
  page for the same gemeente, and renders in full whenever they differ (a
  template that upper-cases a name, an encoder that escapes non-ASCII, a
  marker character typed into a text...). Gemeenten whose values contain
  non-ASCII letters are grouped apart (`value_classes`), so that check also
  covers escapes that touch only those.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from .model import Catalogue, Gemeente

# Every field of Gemeente is identity: what the reference list says of it.
IDENTITY_FIELDS: tuple[str, ...] = tuple(Gemeente.model_fields)
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: no text has them
_FIRST_SLOT = 0xE100


def marker(slot: int) -> str:
    """The placeholder text of one identity field (its index in IDENTITY_FIELDS)."""
    return f"{_OPEN}{chr(_FIRST_SLOT + slot)}{_CLOSE}"


MASK_CBS = marker(IDENTITY_FIELDS.index("cbs_code"))
_MARKER_RE = re.compile(
    re.escape(_OPEN.encode()) + b"(\xee\x84[\x80-\xbf])" + re.escape(_CLOSE.encode())
)
_STRAY = (_OPEN.encode(), _CLOSE.encode())
_SAFE_PUNCTUATION = frozenset(" .,()-_:/")


def _safe(value: str) -> bool:
    return all(c.isalnum() or c in _SAFE_PUNCTUATION for c in value)


def identity_values(gemeente: Gemeente) -> tuple[bytes, ...] | None:
    """The gemeente's identity as the bytes to fill in, or None if not stampable.

    None when a value holds a character that some escaping changes (a quote in
    's-Hertogenbosch becomes &#39; in HTML but stays in JSON): its pages are
    rendered in full.
    """
    values = [getattr(gemeente, name) for name in IDENTITY_FIELDS]
    if not all(isinstance(v, str) and _safe(v) for v in values):
        return None
    return tuple(v.encode("utf-8") for v in values)


def value_classes(values: Sequence[bytes]) -> tuple[bool, ...]:
    """Per identity field: does the value hold non-ASCII letters?

    Sites are only stamped from a shape checked on a site of the same classes,
    so an encoder that writes 'â' as '\\u00e2' is caught, not copied.
    """
    return tuple(not v.isascii() for v in values)


class Opaque(str):
    """A marker that refuses to be compared, measured or cut.

    Code that only shows a gemeente's identity works on it as on any text;
    code that branches on it (`{% if site.name == "Zeist" %}`) or cuts it
    (`site.name[:3]`) raises, so the page is rendered in full for every
    gemeente instead of being filled in wrongly.
    """

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("de identiteit van een gemeente is hier alleen tekst")

    def __eq__(self, other: object) -> bool:
        # Finding the placeholder itself (a dict key) is no comparison of values.
        if isinstance(other, str) and str.__eq__(self, other):
            return True
        self._refuse()
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore
    __len__ = __getitem__ = __iter__ = __contains__ = _refuse  # type: ignore
    startswith = endswith = find = rfind = index = rindex = count = _refuse
    split = rsplit = partition = rpartition = _refuse  # type: ignore
    upper = lower = title = capitalize = casefold = swapcase = _refuse  # type: ignore
    __hash__ = str.__hash__


def masked_gemeente() -> Gemeente:
    """A gemeente whose every identity field is its marker (see Opaque)."""
    return Gemeente.model_construct(
        **{name: Opaque(marker(slot)) for slot, name in enumerate(IDENTITY_FIELDS)}
    )


def masked_catalogue(catalogue: Catalogue, cbs_code: str) -> Catalogue:
    """The catalogue plus a placeholder gemeente with cbs_code's local data.

    The placeholder's code is MASK_CBS. A gemeente without a profile gets a
    placeholder without one, so every "has it a profile?" answer is the same.
    """
    gemeenten = {**catalogue.gemeenten, MASK_CBS: masked_gemeente()}
    profiles = dict(catalogue.profiles)
    profile = catalogue.profiles.get(cbs_code)
    if profile is not None:
        profiles[MASK_CBS] = profile.model_copy(update={"cbs_code": MASK_CBS})
    return catalogue.model_copy(update={"gemeenten": gemeenten, "profiles": profiles})


# The fields pages show as text (the others only appear in links and data).
TEXT_FIELDS: tuple[str, ...] = ("display_name", "name", "province")


def placeholder_word(field: str) -> str:
    """A word that stands for an identity field in text the browser fills in.

    Used where markers cannot go (Pagefind drops private-use characters): a
    shared search index holds this word wherever a page shows the field.
    """
    return "slkt" + field.replace("_", "")


def with_values(text: str, gemeente: Gemeente) -> str:
    """Text made for the placeholder gemeente (an error message, say) with this
    gemeente's own values in place of the markers."""
    for slot, name in enumerate(IDENTITY_FIELDS):
        text = text.replace(marker(slot), str(getattr(gemeente, name)))
    return text


def with_placeholder_words(text: str) -> str:
    """Text rendered for the placeholder gemeente with a placeholder word for
    each TEXT_FIELDS marker; other markers (codes, URIs, the slug in links)
    are left out."""
    for slot, field in enumerate(IDENTITY_FIELDS):
        word = placeholder_word(field) if field in TEXT_FIELDS else ""
        text = text.replace(marker(slot), word)
    return text


@dataclass(frozen=True)
class Stamp:
    """Rendered bytes cut at the identity markers: segments around numbered slots."""

    segments: tuple[bytes, ...]  # one more than slots
    slots: tuple[int, ...]

    @classmethod
    def parse(cls, data: bytes) -> Stamp | None:
        """Cut data rendered for the placeholder; None if it holds a broken marker."""
        pieces = _MARKER_RE.split(data)
        segments = tuple(pieces[0::2])
        if any(stray in segment for segment in segments for stray in _STRAY):
            return None  # a marker an encoder changed, or one typed into a text
        slots = tuple(piece[2] - 0x80 for piece in pieces[1::2])
        if any(slot >= len(IDENTITY_FIELDS) for slot in slots):
            return None
        return cls(segments, slots)

    def fill(self, values: Sequence[bytes]) -> bytes:
        """The bytes for one gemeente (values in IDENTITY_FIELDS order)."""
        if not self.slots:
            return self.segments[0]
        return self.template % value_fields(values)

    @cached_property
    def template(self) -> bytes:
        """The bytes as a bytes %-template with a named field per slot
        (value_fields): filling is one formatting, no Python step per value."""
        parts = [self.segments[0].replace(b"%", b"%%")]
        for slot, segment in zip(self.slots, self.segments[1:], strict=True):
            parts += (b"%%(%d)s" % slot, segment.replace(b"%", b"%%"))
        return b"".join(parts)


_LAST_FIELDS: list[tuple[tuple[bytes, ...], dict[bytes, bytes]]] = []


def value_fields(values: Sequence[bytes]) -> dict[bytes, bytes]:
    """The values as the fields of Stamp.template, by slot number.

    One site fills all its stamps with the same tuple of values, so the last
    mapping is kept (it holds the tuple, whose identity therefore stays its own).
    """
    if _LAST_FIELDS and _LAST_FIELDS[0][0] is values:
        return _LAST_FIELDS[0][1]
    fields = {b"%d" % slot: value for slot, value in enumerate(values)}
    if isinstance(values, tuple):
        _LAST_FIELDS[:] = [(values, fields)]
    return fields
