"""The service's HTML: its answer rendered with Jinja2 (autoescaped) into the shell the
site's build made from the theme (site/gongshi_site/search_records.py), so the
page has the site's header, navigation and footer, and needs no JavaScript."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from . import answers
from .documents import KINDS

TEMPLATES = Path(__file__).with_name("templates")
TITLE_MARK = "GONGSHI-SEARCH-TITLE"
MAIN_MARK = "<!--GONGSHI-SEARCH-MAIN-->"

# When a build has no shell (a site built without the theme): still a whole page.
FALLBACK_SHELL = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE_MARK}</title><link rel="stylesheet" href="/theme/css/site.css"></head>
<body><main id="main" class="wrap">{MAIN_MARK}</main></body></html>"""


@cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    environment.globals.update(
        status_sentence=answers.status_sentence,
        chinese_day=answers.chinese_day,
        count=answers.count,
        kinds=KINDS,
        statuses=answers.STATUSES,
        sorts=answers.SORTS,
    )
    return environment


def page(shell: str, title: str, template: str, **context) -> str:
    main = _environment().get_template(template).render(**context)
    return shell.replace(TITLE_MARK, escape(title, quote=True)).replace(MAIN_MARK, main)


def search_page(shell: str, answer: dict, request: answers.Request, programmes: list) -> str:
    def link(**changes) -> str:
        return "/search/?" + urlencode(request.params(**changes))

    first = max(1, answer["page"] - 4)
    numbers = list(range(first, min(answer["pages"], first + 9) + 1))
    levels = sorted({level for programme in programmes for level in programme["levels"]})
    title = f"搜索：{answer['query']}" if answer["query"] else "搜索"
    return page(
        shell,
        title,
        "search.html",
        answer=answer,
        link=link,
        page_numbers=numbers,
        programmes=programmes,
        levels=levels,
    )


def verify_page(shell: str, answer: dict) -> str:
    title = f"获奖核验：{answer['query']}" if answer["query"] else "获奖核验"
    return page(shell, title, "verify.html", answer=answer)


def unavailable_page(shell: str | None, message: str) -> str:
    body = f'<h1>搜索暂不可用</h1>\n<p class="search-message">{escape(message)}</p>'
    return (shell or FALLBACK_SHELL).replace(TITLE_MARK, "搜索暂不可用").replace(MAIN_MARK, body)
