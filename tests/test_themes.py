"""Behaviour of the theme loader (sitegen.themes) and the shipped themes."""

from __future__ import annotations

import gzip
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen import themes
from sitegen.themes import ThemeError, check_theme, load_theme

ROOT = Path(__file__).resolve().parent.parent
THEMES = ROOT / "themes"
COMPONENTS_CSS = THEMES / "base" / "static" / "css" / "components.css"
REAL_THEMES = ["base", "schiermonnikoog", "utrecht", "zwolle"]


def tok(value: Any, type_: str = "color") -> dict[str, Any]:
    return {"$value": value, "$type": type_}


def make_theme(
    tmp_path: Path,
    tokens: dict[str, Any],
    name: str = "proef",
    **settings: Any,
) -> Path:
    """A themes/ folder with the real base theme plus one test theme."""
    themes_dir = tmp_path / "themes"
    if not (themes_dir / "base").exists():
        shutil.copytree(THEMES / "base", themes_dir / "base")
    folder = themes_dir / name
    folder.mkdir(parents=True)
    meta = {"name": f"Proef {name}", "css_prefix": "proef", "logo": None, "fonts": []}
    meta.update(settings)
    (folder / "theme.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    (folder / "tokens.json").write_text(json.dumps(tokens), encoding="utf-8")
    return themes_dir


# --- aliases -----------------------------------------------------------------


def test_alias_resolves_through_layers(tmp_path: Path) -> None:
    """A component alias resolves through basis to the theme's brand colour."""
    themes_dir = make_theme(
        tmp_path,
        {
            "proef": {"brand": {"color": {"blauw": tok("#123456")}}},
            "basis": {
                "color": {
                    "accent-1": {"color-default": tok("{proef.brand.color.blauw}")}
                }
            },
        },
    )
    theme = load_theme("proef", themes_dir)
    assert theme.tokens_resolved["samenloket.link.color"] == "#123456"
    assert "--samenloket-link-color:#123456;" in theme.css


def test_embedded_alias_in_string(tmp_path: Path) -> None:
    """Aliases inside a longer string are replaced in place."""
    themes_dir = make_theme(
        tmp_path,
        {
            "basis": {"color": {"default": {"border-default": tok("#404040")}}},
            "samenloket": {"border": {"width": tok("2px", "dimension")}},
        },
    )
    theme = load_theme("proef", themes_dir)
    assert theme.tokens_resolved["samenloket.border.default"] == "2px solid #404040"


def test_style_dictionary_value_type_accepted(tmp_path: Path) -> None:
    """Plain ``value``/``type`` leaves (Style Dictionary) work like ``$value``."""
    themes_dir = make_theme(
        tmp_path,
        {"samenloket": {"page": {"color": {"value": "#111111", "type": "color"}}}},
    )
    theme = load_theme("proef", themes_dir)
    assert theme.tokens_resolved["samenloket.page.color"] == "#111111"


def test_alias_cycle_is_an_error(tmp_path: Path) -> None:
    """A cycle of aliases fails and names the theme, the file and the cycle."""
    themes_dir = make_theme(
        tmp_path,
        {
            "proef": {"a": tok("{proef.b}"), "b": tok("{proef.a}")},
        },
    )
    with pytest.raises(ThemeError) as err:
        load_theme("proef", themes_dir)
    message = str(err.value)
    assert "'proef'" in message
    assert "proef/tokens.json" in message
    assert "cycle" in message and "proef.a" in message and "proef.b" in message


def test_dangling_alias_names_token_path(tmp_path: Path) -> None:
    """A dangling alias names the theme, the file, the token path and the target."""
    themes_dir = make_theme(
        tmp_path,
        {"samenloket": {"link": {"color": tok("{proef.brand.color.bestaat-niet}")}}},
    )
    with pytest.raises(ThemeError) as err:
        load_theme("proef", themes_dir)
    message = str(err.value)
    assert "'proef'" in message
    assert "proef/tokens.json" in message
    assert "samenloket.link.color" in message
    assert "proef.brand.color.bestaat-niet" in message


# --- merging -------------------------------------------------------------------


def test_deep_merge_theme_wins_and_keeps_base_siblings(tmp_path: Path) -> None:
    """A theme overrides single nested tokens; base's siblings stay; order is
    base first, theme over it."""
    base = load_theme("base", THEMES)
    themes_dir = make_theme(
        tmp_path,
        {"samenloket": {"link": {"hover": {"color": tok("#000000")}}}},
    )
    theme = load_theme("proef", themes_dir)
    assert theme.tokens_resolved["samenloket.link.hover.color"] == "#000000"
    assert (
        theme.tokens_resolved["samenloket.link.color"]
        == base.tokens_resolved["samenloket.link.color"]
    )
    assert (
        theme.tokens_resolved["samenloket.link.visited.color"]
        == base.tokens_resolved["samenloket.link.visited.color"]
    )


def test_override_of_basis_reaches_components(tmp_path: Path) -> None:
    """Components aliasing a basis token follow the theme's override of it."""
    themes_dir = make_theme(
        tmp_path,
        {"basis": {"color": {"action-1": {"color-default": tok("#0a3d2a")}}}},
    )
    theme = load_theme("proef", themes_dir)
    assert theme.tokens_resolved["samenloket.button.primary.background-color"] == (
        "#0a3d2a"
    )


def test_token_outside_layers_is_rejected(tmp_path: Path) -> None:
    """Theme tokens live under css_prefix, basis or samenloket only."""
    themes_dir = make_theme(tmp_path, {"utrecht": {"kleur": tok("#ff0000")}})
    with pytest.raises(ThemeError, match="utrecht.kleur"):
        load_theme("proef", themes_dir)


def test_template_and_static_dirs_most_specific_first(tmp_path: Path) -> None:
    """Template/static lookups try the gemeente theme before base."""
    themes_dir = make_theme(tmp_path, {})
    (themes_dir / "proef" / "templates").mkdir()
    (themes_dir / "proef" / "static").mkdir()
    theme = load_theme("proef", themes_dir)
    assert theme.template_dirs == [
        themes_dir / "proef" / "templates",
        themes_dir / "base" / "templates",
    ]
    assert theme.static_dirs == [
        themes_dir / "proef" / "static",
        themes_dir / "base" / "static",
    ]


# --- CSS -----------------------------------------------------------------------


def test_css_is_byte_stable_and_ignores_key_order(tmp_path: Path) -> None:
    """Same tokens give identical bytes, whatever the key order in tokens.json."""
    tokens = json.loads((THEMES / "utrecht" / "tokens.json").read_text("utf-8"))

    def reorder(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: reorder(node[k]) for k in reversed(list(node))}
        return node

    one = make_theme(tmp_path / "a", tokens, css_prefix="gm0344")
    two = make_theme(tmp_path / "b", reorder(tokens), css_prefix="gm0344")
    first = load_theme("proef", one).css
    assert load_theme("proef", one).css == first
    assert load_theme("proef", two).css.encode() == first.encode()
    declarations = re.findall(r"(--samenloket-[a-z0-9-]+):", first)
    assert declarations == sorted(declarations)


def test_component_tokens_become_custom_properties() -> None:
    """samenloket.page.background-color becomes --samenloket-page-background-color."""
    css = load_theme("base", THEMES).css
    assert css.startswith(":root{--samenloket-")
    assert "--samenloket-page-background-color:#ffffff" in css
    assert "--basis-" not in css and "--voorbeeld-" not in css


def test_unsafe_css_value_is_rejected(tmp_path: Path) -> None:
    """A value that could break out of the declaration is refused."""
    themes_dir = make_theme(
        tmp_path, {"samenloket": {"max-width": tok("1px}body{x:y", "dimension")}}
    )
    with pytest.raises(ThemeError, match="samenloket.max-width"):
        load_theme("proef", themes_dir)


@pytest.mark.parametrize("name", REAL_THEMES)
def test_css_has_no_remote_urls_or_imports(name: str) -> None:
    """Theme CSS and components.css load nothing from another host."""
    for css in (load_theme(name, THEMES).css, COMPONENTS_CSS.read_text("utf-8")):
        assert "@import" not in css
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            assert not re.match(r"^([a-z]+:|//)", url, re.IGNORECASE), url
        assert "http://" not in css.replace('a[href^="http://"]', "")
        assert "https://" not in css.replace('a[href^="https://"]', "")


def test_self_hosted_fonts_have_relative_font_face() -> None:
    """Fonts in theme.yaml become @font-face rules with relative woff2 URLs."""
    theme = load_theme("schiermonnikoog", THEMES)
    urls = re.findall(r'url\("([^"]+)"\)', theme.css)
    assert urls and all(u.startswith("../fonts/") for u in urls)
    for url in urls:
        assert (theme.directory / "static" / url.removeprefix("../")).is_file()
    assert "font-display:swap" in theme.css


# --- checks --------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_THEMES)
def test_shipped_themes_pass_all_checks(name: str) -> None:
    """The base and pilot themes have every required token and enough contrast."""
    theme = load_theme(name, THEMES, check=False)
    assert check_theme(theme) == []
    for path in themes.REQUIRED_TOKENS:
        assert path in theme.tokens_resolved


def test_missing_required_token_is_named(tmp_path: Path) -> None:
    """A theme that does not extend base must define all required tokens."""
    themes_dir = make_theme(
        tmp_path,
        {"samenloket": {"page": {"color": tok("#000000")}}},
        extends=None,
    )
    theme = load_theme("proef", themes_dir, check=False)
    problems = check_theme(theme)
    assert any("samenloket.page.background-color" in p for p in problems)
    with pytest.raises(ThemeError, match="required token samenloket.link.color"):
        load_theme("proef", themes_dir)


def test_contrast_failure_names_both_tokens_and_ratio(tmp_path: Path) -> None:
    """Too little contrast is an error naming the theme, both tokens and the ratio."""
    themes_dir = make_theme(
        tmp_path, {"samenloket": {"page": {"color": tok("#777777")}}}
    )
    with pytest.raises(ThemeError) as err:
        load_theme("proef", themes_dir)
    message = str(err.value)
    assert "'proef'" in message
    assert "samenloket.page.color" in message
    assert "samenloket.page.background-color" in message
    assert "4.48:1" in message


def test_focus_outline_needs_three_to_one(tmp_path: Path) -> None:
    """Focus outline against the header background is checked at 3:1."""
    themes_dir = make_theme(
        tmp_path, {"samenloket": {"header": {"background-color": tok("#222222")}}}
    )
    problems = check_theme(load_theme("proef", themes_dir, check=False))
    assert any(
        "samenloket.focus.outline-color on samenloket.header.background-color" in p
        for p in problems
    )


def test_contrast_ratio_matches_wcag() -> None:
    """Black on white is 21:1; equal colours are 1:1; short hex works."""
    assert themes.contrast_ratio("#000", "#ffffff") == pytest.approx(21.0)
    assert themes.contrast_ratio("rgb(10, 20, 30)", "#0a141e") == pytest.approx(1.0)
    assert themes.contrast_ratio("#767676", "white") == pytest.approx(4.54, abs=0.01)


def test_unsafe_logo_is_reported(tmp_path: Path) -> None:
    """An SVG logo with a script is a problem."""
    themes_dir = make_theme(tmp_path, {}, logo="img/logo.svg")
    (themes_dir / "proef" / "static" / "img").mkdir(parents=True)
    (themes_dir / "proef" / "static" / "img" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    problems = check_theme(load_theme("proef", themes_dir, check=False))
    assert any("<script" in p for p in problems)


# --- generated accent themes ---------------------------------------------------


def test_generated_accent_for_fifty_codes_passes_contrast() -> None:
    """Any CBS code gives an accent that passes every contrast check."""
    rng = random.Random(20240601)
    codes = {f"GM{rng.randrange(10000):04d}" for _ in range(50)}
    colours = set()
    for code in codes:
        theme = load_theme("base", THEMES, accent_seed=code, check=False)
        assert check_theme(theme) == [], code
        colours.add(theme.tokens_resolved["samenloket.link.color"])
        white = themes.contrast_ratio(
            "#ffffff",
            theme.tokens_resolved["samenloket.button.primary.background-color"],
        )
        assert white >= 4.5
    assert len(colours) > 40  # distinct per gemeente


def test_generated_accent_is_deterministic() -> None:
    """The same CBS code always yields the same override and CSS bytes."""
    one = themes.generated_accent_theme("GM0363", "Amsterdam")
    two = themes.generated_accent_theme("GM0363", "Amsterdam")
    assert one == two
    assert (
        load_theme("base", THEMES, accent_seed="GM0363").css
        == load_theme("base", THEMES, accent_seed="GM0363").css
    )
    assert (
        load_theme("base", THEMES, accent_seed="GM0363").css
        != load_theme("base", THEMES, accent_seed="GM0344").css
    )


def test_generated_accent_does_not_change_base() -> None:
    """Loading accent themes leaves the cached base theme untouched."""
    before = load_theme("base", THEMES).css
    load_theme("base", THEMES, accent_seed="GM0014")
    assert load_theme("base", THEMES).css == before


def test_accent_theme_equals_resolving_every_token_again() -> None:
    """Only the accent's tokens and those that refer to them are resolved per
    gemeente (the rest is shared): the CSS and tokens must be exactly those of
    resolving the whole overlaid token set from scratch."""
    links = themes._chain("base", THEMES)
    merged = themes._merged_tokens(links)
    backgrounds = tuple(themes._css_value(merged.resolved[p], "color")
                        for p in themes._ACCENT_BACKGROUNDS)
    for code in ("GM0014", "GM0363", "GM1900"):
        accent = themes._accent_tokens(code, backgrounds)
        tokens = {**merged.tokens, **accent}
        resolved = themes._resolve_all(tokens, "base")
        strings = themes._css_strings(tokens, resolved, resolved)
        theme = load_theme("base", THEMES, accent_seed=code)
        assert theme.tokens_resolved == dict(sorted(strings.items()))
        assert list(theme.tokens_resolved) == sorted(strings)
        css = themes._component_css("base", tokens, merged.component_paths, strings)
        assert theme.css.endswith(css + "\n")
        assert theme.css != load_theme("base", THEMES).css


def test_all_gemeenten_get_a_checked_accent_theme() -> None:
    """342 generated accent themes load, pass the checks and differ per gemeente."""
    codes = [f"GM{n:04d}" for n in range(1, 343)]
    css = {load_theme("base", THEMES, accent_seed=code).css for code in codes}
    assert len(css) > 300


# --- components.css ------------------------------------------------------------

CONTRACT_CLASSES = """
skip-link notice notice__title site-header site-header__inner site-header__brand
site-header__logo site-header__name site-nav site-nav__list search-form
search-form__input breadcrumbs site-main container lead prose card-list card
card__link card__text channels channel channel__title button button--primary
button--secondary facts fee-table fee-table__amount steps step step__title
step__number step__choice step__items step__item step__org az-nav az-group
news-list news-item contact-block opening-hours site-footer site-footer__inner
site-footer__links visually-hidden tag related search-results
""".split()


def test_components_css_styles_the_html_contract() -> None:
    """Every class the templates use has a rule in components.css."""
    css = COMPONENTS_CSS.read_text("utf-8")
    selectors = set(re.findall(r"\.([a-z][a-z0-9_-]*)", css))
    missing = [c for c in CONTRACT_CLASSES if c not in selectors]
    assert not missing, missing
    assert 'aria-current="page"' in css
    assert ":focus-visible" in css and "@media print" in css
    assert "prefers-reduced-motion" in css


def test_components_css_uses_only_theme_properties() -> None:
    """components.css has no colours of its own and only defined properties."""
    css = COMPONENTS_CSS.read_text("utf-8")
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", css)
    assert not re.search(r"\b(rgba?|hsla?)\(", css)
    used = set(re.findall(r"var\(--(samenloket-[a-z0-9-]+)", css))
    defined = {
        p.replace(".", "-")
        for p in load_theme("base", THEMES).tokens_resolved
        if p.startswith("samenloket.")
    }
    assert used and used <= defined, used - defined


@pytest.mark.parametrize("name", REAL_THEMES)
def test_css_budget(name: str) -> None:
    """components.css plus the theme CSS stay under 15 KB gzip-compressed."""
    data = COMPONENTS_CSS.read_bytes() + load_theme(name, THEMES).css.encode()
    assert len(gzip.compress(data, 9)) <= 15 * 1024
