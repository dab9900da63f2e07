"""Settings for running the build with Pelican's own CLI:

    pelican -s sitegen/pelicanconf.py

(`samenloket build` does the same with progress and a summary.)
"""

PATH = "content"
THEME = "themes/base"
OUTPUT_PATH = "public"
SITENAME = "samenloket"
TIMEZONE = "Europe/Amsterdam"
DEFAULT_LANG = "nl"
PLUGINS = ["sitegen.plugin"]
ARTICLE_PATHS: list[str] = []
PAGE_PATHS: list[str] = []
STATIC_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []
THEME_STATIC_PATHS: list[str] = []
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False
SAMENLOKET_CONTENT = "content"
SAMENLOKET_THEMES = "themes"
