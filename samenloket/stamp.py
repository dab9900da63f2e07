"""Render once for a placeholder gemeente, then fill in each gemeente's own values.

Most gemeenten have no local data: their sites, feeds and open data differ only
in the gemeente's identity (name, codes, OWMS URI, province, and the slug in the
site's address). Rendering all of that 342 times repeats the same work, so a
page is rendered once for a *placeholder* gemeente whose identity fields are
markers (`masked_catalogue`), cut at the markers into a `Stamp`, and each
gemeente's copy is the stamp filled with its own values.

A gemeente's contact details and desks (`local_spots`: phone, e-mail, website,
addresses, opening hours...) are masked too: gemeenten whose data have the same
*form* (which details are set, how many desks, which days open) share a
placeholder, so filling in real data of their own does not make every page be
rendered for each of them.

This is exact only when filling gives the bytes a real rendering gives. Three
things make sure of that:

- every marker carries a *probe*: each character that some escaping may change
  and that a gemeente's name can hold (a quote, letters such as 'â'), between
  separators no escaping touches. Where the page shows a field, the probe comes
  out escaped as that spot escapes it (`&#39;` in HTML, `\\u00e2` in JSON...),
  so the stamp knows per spot how to write each of those characters, and fills
  in 's-Hertogenbosch or Fryslân exactly as a real rendering would. A value
  with any other character (not a letter, digit, `` .,()-_:/@+?=#%;`` or a
  probed character) is never stamped: its site is rendered in full
  (`identity_values`), or that detail is part of its data's form (`local_spots`);
- the placeholder values are `Opaque`: code that compares, measures or cuts
  them (a template branching on a name) fails on the placeholder, and that
  page is rendered in full for every gemeente;
- the caller compares the first stamped copy with a real rendering of the same
  page for the same gemeente, and renders in full whenever they differ (a
  template that upper-cases a name, a marker character typed into a text...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .model import Catalogue, Gemeente, GemeenteProfile, LocalProduct, Product

# Every field of Gemeente is identity: what the reference list says of it.
IDENTITY_FIELDS: tuple[str, ...] = tuple(Gemeente.model_fields)
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: no text has them
_FIRST_SLOT = 0xE100
MAX_SLOTS = 0x800  # slots U+E100..U+E8FF: identity, then local_spots


# What a gemeente's values may hold besides ASCII letters, digits and the safe
# punctuation: the characters each marker probes (see the module docstring).
PROBED = "'&âêîôûáéíóúàèëïöüç"
# Separators in mixed case: an upper- or lower-cased probe does not parse.
_SEPARATORS = tuple(f"q{chr(ord('A') + i)}" for i in range(len(PROBED) + 1))
_PROBE = "".join(sep + char for sep, char in zip(_SEPARATORS[:-1], PROBED, strict=True)
                 ) + _SEPARATORS[-1]
_PLAIN = tuple(char.encode() for char in PROBED)  # a spot that escapes none of them


def marker(slot: int) -> str:
    """The placeholder text of one slot: an identity field (its index in
    IDENTITY_FIELDS), then the local spots (see stamp_values)."""
    return f"{_OPEN}{chr(_FIRST_SLOT + slot)}{_PROBE}{_CLOSE}"


MASK_CBS = marker(IDENTITY_FIELDS.index("cbs_code"))
_MARKER_RE = re.compile(  # a marker as rendered: its slot, then the probe as escaped
    re.escape(_OPEN.encode()) + b"(\xee[\x84-\xa3][\x80-\xbf])(.*?)"
    + re.escape(_CLOSE.encode()),
    re.DOTALL,
)
_MARKER_TEXT_RE = re.compile(f"{_OPEN}([\ue100-\ue8ff]).*?{_CLOSE}", re.DOTALL)
_PROBE_RE = re.compile(
    b"".join(re.escape(sep.encode()) + b"(.*?)" for sep in _SEPARATORS[:-1])
    + re.escape(_SEPARATORS[-1].encode()),
    re.DOTALL,
)
_STRAY = (_OPEN.encode(), _CLOSE.encode())
# No escaping of HTML, XML or JSON changes these (an escaper that does, such as
# a URL encoder, breaks the marker itself: such a page fails its check).
_SAFE_PUNCTUATION = frozenset(" .,()-_:/@+?=#%;")
_STAMPABLE = frozenset(PROBED) | _SAFE_PUNCTUATION


def _safe(value: str) -> bool:
    return all((c.isascii() and c.isalnum()) or c in _STAMPABLE for c in value)


def identity_values(gemeente: Gemeente) -> tuple[bytes, ...] | None:
    """The gemeente's identity as the bytes to fill in, or None if not stampable
    (a value with a character no marker probes: its pages are rendered in full)."""
    values = [getattr(gemeente, name) for name in IDENTITY_FIELDS]
    if not all(isinstance(v, str) and _safe(v) for v in values):
        return None
    return tuple(v.encode("utf-8") for v in values)


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
    replace = strip = lstrip = rstrip = removeprefix = removesuffix = _refuse
    translate = expandtabs = zfill = center = ljust = rjust = _refuse  # type: ignore
    splitlines = isdigit = isnumeric = isdecimal = isalpha = isalnum = _refuse
    isspace = islower = isupper = istitle = isascii = _refuse  # type: ignore
    __hash__ = str.__hash__


class OpaqueValue(Opaque):
    """The marker of a contact detail or desk (`local_spots`): opaque, but true.

    Only details that are set are masked, and whether each one is set is part
    of the form that the gemeenten sharing a placeholder have in common, so
    `{% if site.contact.phone %}` may ask it. `dialled` and `shown`: the
    markers of the phone number as a tel: link writes it and of the website
    as a page shows it (see `dialled`, `web_address`).
    """

    dialled: str | None = None
    shown: str | None = None

    def __bool__(self) -> bool:
        return True


def dialled(phone: str) -> str:
    """A phone number as a tel: link writes it: without spaces. A placeholder's
    number gives the marker of its own slot for this (OpaqueValue.dialled)."""
    if isinstance(phone, OpaqueValue) and phone.dialled is not None:
        return phone.dialled
    return phone.replace(" ", "")


def web_address(url: str) -> str:
    """A website's address as a page shows it: without "https://". A
    placeholder's website gives the marker of its own slot for this."""
    if isinstance(url, OpaqueValue) and url.shown is not None:
        return url.shown
    return url.replace("https://", "")


# The contact details and desk values that gemeenten differ in and pages only
# show: masked in a placeholder profile (`local_spots`).
CONTACT_FIELDS = ("phone", "phone_hours", "email", "contact_form_url", "website",
                  "postal_address")
LOCATION_FIELDS = ("name", "address", "postcode", "city", "appointment_url", "note")
HOURS_FIELDS = ("open", "close")


def local_spots(profile: GemeenteProfile) -> list[str | None]:
    """The values of a profile that a placeholder masks, in slot order.

    The contact details, the dialled phone number and the shown website, then
    per desk its details and its opening and closing times. What stays as it
    is (days, whether a desk is by appointment only, products, news, homepage
    texts...) is the form (`local_form`) that the gemeenten sharing a
    placeholder have alike.
    """
    contact = profile.contact
    spots: list[str | None] = [getattr(contact, name) for name in CONTACT_FIELDS]
    spots.append(dialled(contact.phone) if contact.phone else None)
    spots.append(web_address(contact.website) if contact.website else None)
    for location in profile.locations:
        spots += [getattr(location, name) for name in LOCATION_FIELDS]
        for hours in location.opening_hours:
            spots += [getattr(hours, name) for name in HOURS_FIELDS]
    return spots


def _maskable(value: str | None) -> bool:
    return isinstance(value, str) and value != "" and _safe(value)


def _with_spots(profile: GemeenteProfile,
                replace: Callable[[int, str | None], str | None]) -> GemeenteProfile:
    """The profile with each local spot (local_spots order) replaced."""
    spots = iter(enumerate(local_spots(profile)))

    def next_value() -> str | None:
        return replace(*next(spots))

    contact = profile.contact.model_copy(
        update={name: next_value() for name in CONTACT_FIELDS})
    dialled_value, shown_value = next_value(), next_value()
    if isinstance(contact.phone, OpaqueValue):
        contact.phone.dialled = dialled_value
    if isinstance(contact.website, OpaqueValue):
        contact.website.shown = shown_value
    locations = []
    for location in profile.locations:
        update: dict[str, object] = {name: next_value() for name in LOCATION_FIELDS}
        update["opening_hours"] = tuple(
            hours.model_copy(update={name: next_value() for name in HOURS_FIELDS})
            for hours in location.opening_hours)
        locations.append(location.model_copy(update=update))
    return profile.model_copy(update={"contact": contact,
                                      "locations": tuple(locations)})


def masked_profile(profile: GemeenteProfile) -> GemeenteProfile | None:
    """The profile with a marker for each local spot that can be stamped
    (the others stay as they are); None if it has more than the markers hold."""
    first = len(IDENTITY_FIELDS)
    if first + len(local_spots(profile)) > MAX_SLOTS:
        return None
    return _with_spots(profile, lambda i, value: (
        OpaqueValue(marker(first + i)) if _maskable(value) else value))


def product_heads(profile: GemeenteProfile, products: Mapping[str, Product]
                  ) -> GemeenteProfile:
    """The profile with each product override cut to its *head*: whether the
    product is offered, its own title and summary, which pages list. An
    override with nothing else than the product's own default is left out.

    The rest of an override (fees, delivery time, application link, local
    text...) only the product's own page and its entry in the exports show:
    gemeenten whose heads are alike share a placeholder, and each such page
    of one whose override differs from the placeholder's (`own_facts`) is
    made for that gemeente alone.
    """
    heads = {}
    for slug, local in profile.products.items():
        national = products.get(slug)
        if (national is not None and local.offered == national.default_offered
                and local.title is None and local.summary is None):
            continue
        heads[slug] = LocalProduct.model_construct(  # values validated already
            product=local.product, offered=local.offered, title=local.title,
            summary=local.summary)
    return profile.model_copy(update={"products": heads})


def own_facts(profile: GemeenteProfile | None, placeholder: GemeenteProfile | None,
              slug: str) -> bool:
    """Does this gemeente's override of a product differ from the placeholder's
    (made with `product_heads`)? Then its page and export entry are its own."""
    own = profile.products.get(slug) if profile is not None else None
    shared = placeholder.products.get(slug) if placeholder is not None else None
    return own != shared


def local_form(profile: GemeenteProfile, products: Mapping[str, Product]
               ) -> GemeenteProfile:
    """The profile with the same sign for every spot a placeholder masks, and
    only its products' heads (`product_heads`): equal for gemeenten whose pages
    can be filled in from one placeholder's."""
    return _with_spots(product_heads(without_home_and_news(profile), products),
                       lambda i, value: "*" if _maskable(value) else value)


# What a placeholder leaves out of a profile, and the dependency token of the
# pages that show it (sitegen.deps): the homepage's text ("home") and the news
# ("news": the homepage, the news pages and the sitemap). Each such page of a
# gemeente that has them is made for it alone (sitegen.shapes).
HOME_AND_NEWS_FIELDS: dict[str, str] = {"welcome_title": "home", "welcome": "home",
                                        "news": "news"}
_NO_HOME_AND_NEWS: dict[str, Any] = {
    field: GemeenteProfile.model_fields[field].default
    for field in HOME_AND_NEWS_FIELDS}


def without_home_and_news(profile: GemeenteProfile) -> GemeenteProfile:
    """The profile without a homepage text and news of its own."""
    return profile.model_copy(update=_NO_HOME_AND_NEWS)


def own_home(profile: GemeenteProfile | None) -> bool:
    """Has the gemeente a homepage text of its own?"""
    return profile is not None and bool(profile.welcome_title or profile.welcome)


def own_news(profile: GemeenteProfile | None) -> bool:
    """Has the gemeente news?"""
    return profile is not None and bool(profile.news)


def stamp_values(gemeente: Gemeente, profile: GemeenteProfile | None
                 ) -> tuple[bytes, ...] | None:
    """What to fill a gemeente's stamps with: its identity (identity_values),
    then its local spots (none without a profile); None if never stamped."""
    identity = identity_values(gemeente)
    if identity is None or profile is None:
        return identity
    spots = local_spots(profile)
    if len(identity) + len(spots) > MAX_SLOTS:
        return None
    return identity + tuple((value or "").encode("utf-8") for value in spots)


def masked_gemeente() -> Gemeente:
    """A gemeente whose every identity field is its marker (see Opaque)."""
    return Gemeente.model_construct(
        **{name: Opaque(marker(slot)) for slot, name in enumerate(IDENTITY_FIELDS)}
    )


def masked_catalogue(catalogue: Catalogue, cbs_code: str) -> Catalogue:
    """The catalogue plus a placeholder gemeente with cbs_code's local data.

    The placeholder's code is MASK_CBS. A gemeente without a profile gets a
    placeholder without one, so every "has it a profile?" answer is the same.
    Its contact details and desks are masked too (masked_profile), unless
    they hold more values than there are markers; of its product overrides it
    has only the heads (product_heads); it has no homepage text or news
    (without_home_and_news).
    """
    gemeenten = {**catalogue.gemeenten, MASK_CBS: masked_gemeente()}
    profiles = dict(catalogue.profiles)
    profile = catalogue.profiles.get(cbs_code)
    if profile is not None:
        profile = without_home_and_news(product_heads(profile, catalogue.products))
        profile = masked_profile(profile) or profile
        profiles[MASK_CBS] = profile.model_copy(update={"cbs_code": MASK_CBS})
    return catalogue.model_copy(update={"gemeenten": gemeenten, "profiles": profiles})


# The fields pages show as text (the others only appear in links and data).
TEXT_FIELDS: tuple[str, ...] = ("display_name", "name", "province")


def placeholder_word(field: str) -> str:
    """A word that stands for an identity field (or a local spot, `l<n>`) in
    text the browser fills in.

    Used where markers cannot go (Pagefind drops private-use characters): a
    shared search index holds this word wherever a page shows the field.
    """
    return "slkt" + field.replace("_", "")


def search_words(profile: GemeenteProfile | None) -> list[tuple[str, str]]:
    """(field, value) of each local spot that a placeholder masks: a shared
    search index holds placeholder_word(field) where a page shows it (see
    with_placeholder_words), and the site's search page gives the script the
    site's own values, as it does its name."""
    if profile is None:
        return []
    return [(f"l{slot}", value) for slot, value in enumerate(local_spots(profile))
            if isinstance(value, OpaqueValue) or _maskable(value)]


def with_values(text: str, gemeente: Gemeente,
                profile: GemeenteProfile | None = None) -> str:
    """Text made for the placeholder gemeente (an error message, say) with this
    gemeente's own values (and its profile's local spots) in place of the markers."""
    spots = local_spots(profile) if profile is not None else []

    def value(match: re.Match[str]) -> str:
        slot = ord(match.group(1)) - _FIRST_SLOT
        if slot < len(IDENTITY_FIELDS):
            return str(getattr(gemeente, IDENTITY_FIELDS[slot]))
        local = slot - len(IDENTITY_FIELDS)
        return (spots[local] or "") if local < len(spots) else ""

    return _MARKER_TEXT_RE.sub(value, text)


def with_placeholder_words(text: str) -> str:
    """Text rendered for the placeholder gemeente with a placeholder word for
    each TEXT_FIELDS marker and each local spot's (search_words); other
    markers (codes, URIs, the slug in links) are left out."""

    def word(match: re.Match[str]) -> str:
        slot = ord(match.group(1)) - _FIRST_SLOT
        if slot >= len(IDENTITY_FIELDS):
            return placeholder_word(f"l{slot - len(IDENTITY_FIELDS)}")
        field = IDENTITY_FIELDS[slot]
        return placeholder_word(field) if field in TEXT_FIELDS else ""

    return _MARKER_TEXT_RE.sub(word, text)


# How the spots of the stamps made in this process escape the probed characters:
# variant 0 escapes none of them; keys of value_fields name the others.
_VARIANTS: list[dict[str, bytes]] = [{}]
_VARIANT_NUMBERS: dict[tuple[bytes, ...], int] = {_PLAIN: 0}


def _variant(escaped: tuple[bytes, ...]) -> int:
    number = _VARIANT_NUMBERS.get(escaped)
    if number is None:
        number = _VARIANT_NUMBERS[escaped] = len(_VARIANTS)
        _VARIANTS.append({char: written for char, written
                          in zip(PROBED, escaped, strict=True)
                          if written != char.encode()})
    return number


@dataclass(frozen=True)
class Stamp:
    """Rendered bytes cut at the identity markers: segments around numbered slots.

    `keys` name what goes in each slot (value_fields): the slot's value as it
    is, or as that spot escapes the probed characters.
    """

    segments: tuple[bytes, ...]  # one more than slots
    slots: tuple[int, ...]
    keys: tuple[bytes, ...] = ()  # default: each slot's value as it is

    def __post_init__(self) -> None:
        if not self.keys:
            object.__setattr__(self, "keys", tuple(b"%d" % s for s in self.slots))

    @classmethod
    def parse(cls, data: bytes) -> Stamp | None:
        """Cut data rendered for the placeholder; None if it holds a broken marker."""
        pieces = _MARKER_RE.split(data)
        segments = tuple(pieces[0::3])
        if any(stray in segment for segment in segments for stray in _STRAY):
            return None  # a marker an encoder changed, or one typed into a text
        slots = tuple(((piece[1] - 0x84) << 6) | (piece[2] - 0x80)
                      for piece in pieces[1::3])
        keys = []
        for slot, probe in zip(slots, pieces[2::3], strict=True):
            escaped = _PROBE_RE.fullmatch(probe)
            if escaped is None:  # the probe was cut or changed, not escaped
                return None
            variant = _variant(escaped.groups())
            keys.append(b"%d.%d" % (slot, variant) if variant else b"%d" % slot)
        return cls(segments, slots, tuple(keys))

    def fill(self, values: Sequence[bytes]) -> bytes:
        """The bytes for one gemeente (values in stamp_values order)."""
        if not self.slots:
            return self.segments[0]
        return self.template % value_fields(values)

    @cached_property
    def template(self) -> bytes:
        """The bytes as a bytes %-template with a named field per slot
        (value_fields): filling is one formatting, no Python step per value."""
        parts = [self.segments[0].replace(b"%", b"%%")]
        for key, segment in zip(self.keys, self.segments[1:], strict=True):
            parts += (b"%%(%s)s" % key, segment.replace(b"%", b"%%"))
        return b"".join(parts)


class _Fields(dict[bytes, bytes]):
    """The values by Stamp key: b"3" is slot 3's value, b"3.1" that value as
    escape variant 1 writes it (made when first asked for)."""

    def __init__(self, values: Sequence[bytes]) -> None:
        super().__init__((b"%d" % slot, value) for slot, value in enumerate(values))
        self.values = values

    def __missing__(self, key: bytes) -> bytes:
        slot, _, variant = key.partition(b".")
        if not variant:
            raise KeyError(key)
        value = self.values[int(slot)]
        escapes = _VARIANTS[int(variant)]
        text = value.decode("utf-8")
        if any(char in escapes for char in text):
            value = b"".join(escapes.get(char) or char.encode() for char in text)
        self[key] = value
        return value


_LAST_FIELDS: list[tuple[Sequence[bytes], _Fields]] = []


def value_fields(values: Sequence[bytes]) -> dict[bytes, bytes]:
    """The values as the fields of Stamp.template, by Stamp key.

    One site fills all its stamps with the same tuple of values, so the last
    mapping is kept (it holds the tuple, whose identity therefore stays its own).
    """
    if _LAST_FIELDS and _LAST_FIELDS[0][0] is values:
        return _LAST_FIELDS[0][1]
    fields = _Fields(values)
    if isinstance(values, tuple):
        _LAST_FIELDS[:] = [(values, fields)]
    return fields
