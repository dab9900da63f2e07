"""The one typed model of the catalogue, shared by cms, sitegen and exports.

Everything that reads or writes the catalogue goes through these classes: the file
loader builds them, the CMS imports and exports them, sitegen and the SC exporter
render them. Field names are English; values that come from a standard (audience,
onlineAanvragen) keep the standard's Dutch spelling.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CBS_RE = re.compile(r"^GM\d{4}$")
TIME_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")

Audience = Literal["particulier", "ondernemer"]
Channel = Literal["online", "telefoon", "balie", "post"]
OnlineAanvragen = Literal["ja", "nee", "digid"]
Login = Literal["digid", "eherkenning", "geen"]
Weekday = Literal[
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"
]
StepChoice = Literal["en", "of"]
FeeSetter = Literal["rijk", "gemeente", "gratis"]

WEEKDAYS: tuple[str, ...] = (
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
)

# The SDG text model (Regulation (EU) 2018/1724, annex I/II): one key per
# structured section, in page order, with the Dutch heading editors write.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("what_it_is", "Wat is het?"),
    ("conditions", "Voorwaarden"),
    ("evidence", "Wat heeft u nodig?"),
    ("procedure", "Aanvragen"),
    ("costs", "Kosten"),
    ("term", "Hoe lang duurt het?"),
    ("no_response", "Geen reactie?"),
    ("objection", "Bezwaar en beroep"),
    ("more_info", "Meer informatie"),
)
SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in SECTIONS)
SECTION_HEADINGS: dict[str, str] = dict(SECTIONS)
LOCAL_TEXT_HEADING = "Lokale informatie"


def _https(value: str) -> str:
    if not value.startswith("https://") or len(value) < 12 or " " in value:
        raise ValueError(
            "moet een volledige https://-link zijn|begin de link met https://"
        )
    return value


HttpsUrl = Annotated[str, AfterValidator(_https)]


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(
            "ongeldige slug|gebruik alleen kleine letters, cijfers en streepjes"
        )
    return value


Slug = Annotated[str, AfterValidator(_slug)]


class Strict(BaseModel):
    """Base for every model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Link(Strict):
    label: str = Field(min_length=1)
    url: HttpsUrl


class Organisation(Strict):
    """Another organisation: the competent authority or a life-event step's owner."""

    name: str = Field(min_length=1)
    url: HttpsUrl


class FeeItem(Strict):
    label: str = Field(min_length=1)
    amount: Decimal = Field(ge=0, max_digits=9, decimal_places=2)

    @field_validator("amount")
    @classmethod
    def _cents(cls, v: Decimal) -> Decimal:
        # YAML reads 82.30 as the float 82.3; money always has two decimals.
        return v.quantize(Decimal("0.01"))


class Fees(Strict):
    """Costs as structured data, so a page can show a local table and a year."""

    set_by: FeeSetter = "gemeente"
    year: int | None = Field(default=None, ge=2000, le=2100)
    items: tuple[FeeItem, ...] = ()

    @model_validator(mode="after")
    def _year_with_amounts(self) -> Fees:
        if self.items and self.year is None:
            raise ValueError(
                "bedragen hebben een jaartal nodig"
                "|voeg 'year' toe, bijvoorbeeld year: 2026"
            )
        if self.set_by == "gratis" and self.items:
            raise ValueError(
                "'gratis' kan geen bedragen hebben"
                "|verwijder de bedragen of kies set_by: gemeente"
            )
        return self


class Product(Strict):
    """A national product: the text every gemeente shares (SDG text model)."""

    slug: Slug
    title: str = Field(min_length=2, max_length=120)
    summary: str = Field(min_length=10, max_length=300)
    upl: tuple[str, ...] = Field(min_length=1)
    audience: tuple[Audience, ...] = Field(min_length=1)
    authority: Literal["gemeente"] | Organisation = "gemeente"
    legal_basis: tuple[Link, ...] = ()
    channels: tuple[Channel, ...] = Field(min_length=1)
    appointment: bool = False
    online_aanvragen: OnlineAanvragen = "nee"
    fees: Fees = Fees()
    delivery_time: str | None = None
    related: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    default_offered: bool = True
    sections: dict[str, str]

    @field_validator("sections")
    @classmethod
    def _sections(cls, v: dict[str, str]) -> dict[str, str]:
        missing = [
            SECTION_HEADINGS[k] for k in SECTION_KEYS if not v.get(k, "").strip()
        ]
        if missing:
            raise ValueError(
                "onderdelen ontbreken of zijn leeg: "
                + ", ".join(missing)
                + "|voeg elke kop toe als '## Kop' met tekst eronder"
            )
        unknown = sorted(set(v) - set(SECTION_KEYS))
        if unknown:
            raise ValueError("onbekende onderdelen: " + ", ".join(unknown))
        return {k: v[k] for k in SECTION_KEYS}


class ProductStep(Strict):
    product: str
    text: str | None = None


class ExternalStep(Strict):
    organisation: str = Field(min_length=2)
    title: str = Field(min_length=2)
    url: HttpsUrl
    text: str | None = None


def _step_kind(value: object) -> str:
    if isinstance(value, dict):
        return "product" if "product" in value else "organisation"
    return "product" if isinstance(value, ProductStep) else "organisation"


StepItem = Annotated[
    Annotated[ProductStep, Tag("product")]
    | Annotated[ExternalStep, Tag("organisation")],
    Discriminator(_step_kind),
]


class Step(Strict):
    title: str = Field(min_length=2)
    choice: StepChoice = "en"
    items: tuple[StepItem, ...] = Field(min_length=1)


class LifeEvent(Strict):
    """A levensgebeurtenis: an ordered journey across organisations."""

    slug: Slug
    title: str = Field(min_length=2)
    summary: str = Field(min_length=10, max_length=300)
    audience: tuple[Audience, ...] = Field(min_length=1)
    order: int = 100
    intro: str = ""
    steps: tuple[Step, ...] = Field(min_length=4, max_length=10)


class Gemeente(Strict):
    """A gemeente as the reference list knows it (TOOI/OWMS), never hand-typed."""

    cbs_code: str
    tooi_code: str
    name: str
    display_name: str
    province_code: str
    province: str
    owms_uri: str
    tooi_uri: str
    slug: str


class UplEntry(Strict):
    """One product name of the Uniforme Productnamenlijst."""

    uri: str
    label: str
    gemeente: bool
    burger: bool
    bedrijf: bool
    legal_basis: tuple[Link, ...] = ()


class OpeningHours(Strict):
    day: Weekday
    open: str
    close: str

    @model_validator(mode="after")
    def _times(self) -> OpeningHours:
        if not TIME_RE.match(self.open) or not TIME_RE.match(self.close):
            raise ValueError(
                'tijd heeft niet de vorm UU:MM|schrijf bijvoorbeeld "08:30"'
            )
        if self.open >= self.close:
            raise ValueError(
                "sluitingstijd ligt niet na openingstijd|controleer open en close"
            )
        return self


class Location(Strict):
    name: str = Field(min_length=2)
    address: str = Field(min_length=2)
    postcode: str = Field(pattern=r"^\d{4} ?[A-Z]{2}$")
    city: str = Field(min_length=2)
    appointment_only: bool = False
    appointment_url: HttpsUrl | None = None
    note: str | None = None
    opening_hours: tuple[OpeningHours, ...] = ()


class Contact(Strict):
    phone: str | None = None
    phone_hours: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    contact_form_url: HttpsUrl | None = None
    website: HttpsUrl | None = None
    postal_address: str | None = None


class NewsItem(Strict):
    slug: str
    title: str = Field(min_length=2)
    date: date
    summary: str = Field(min_length=2)
    body: str = Field(min_length=2)


class LocalProduct(Strict):
    """A gemeente's own facts for one national product; absent fields inherit."""

    product: str
    offered: bool = True
    example: bool = False
    title: str | None = None
    summary: str | None = None
    fees: Fees | None = None
    delivery_time: str | None = None
    application_url: HttpsUrl | None = None
    login: Login | None = None
    local_text: str | None = None
    sections: dict[str, str] = {}

    @field_validator("sections")
    @classmethod
    def _sections(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(v) - set(SECTION_KEYS))
        if unknown:
            raise ValueError("onbekende onderdelen: " + ", ".join(unknown))
        return {k: v[k] for k in SECTION_KEYS if k in v}


class GemeenteProfile(Strict):
    """What a gemeente adds to its site: theme, contact, desks, news, overrides."""

    cbs_code: str
    theme: str = "base"
    site_url: HttpsUrl | None = None
    example_data: bool = False
    contact: Contact = Contact()
    locations: tuple[Location, ...] = ()
    top_tasks: tuple[str, ...] = ()
    welcome_title: str | None = None
    welcome: str = ""
    news: tuple[NewsItem, ...] = ()
    products: dict[str, LocalProduct] = {}

    @field_validator("cbs_code")
    @classmethod
    def _cbs(cls, v: str) -> str:
        if not CBS_RE.match(v):
            raise ValueError(
                "ongeldige CBS-code|schrijf GM plus vier cijfers, bijv. GM0344"
            )
        return v


class Settings(Strict):
    """Catalogue-wide settings (content/catalogus.yaml)."""

    site_url_pattern: str = "https://{slug}.samenloket.nl"
    default_theme: str = "base"
    # /.well-known/security.txt (RFC 9116) on every site. The platform team that
    # builds and hosts the sites is the one that can fix a vulnerability in them,
    # so it is always listed; a gemeente's own contact form or website comes first
    # when the catalogue has one.
    security_contact: str = "mailto:security@samenloket.nl"
    security_policy: HttpsUrl | None = None  # CVD policy page, if there is one
    # Fixed Expires date for security.txt; empty = automatic (end of the next
    # half-year, so the file changes twice a year, not on every build).
    security_txt_expires: date | None = None

    @field_validator("security_contact")
    @classmethod
    def _security_contact(cls, v: str) -> str:
        if not v.startswith(("https://", "mailto:", "tel:")):
            raise ValueError(
                "ongeldig contact|begin met https://, mailto: of tel:, bijv. "
                "mailto:security@example.nl"
            )
        return v

    @field_validator("site_url_pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        if "{slug}" not in v or not v.startswith("https://"):
            raise ValueError(
                "ongeldig patroon|begin met https:// en gebruik {slug}, bijv. "
                "https://{slug}.example.nl"
            )
        return v.rstrip("/")


class Catalogue(Strict):
    """The whole validated catalogue: what `samenloket dump` prints."""

    settings: Settings
    products: dict[str, Product]
    life_events: dict[str, LifeEvent]
    gemeenten: dict[str, Gemeente]
    profiles: dict[str, GemeenteProfile]
    upl: dict[str, UplEntry]
