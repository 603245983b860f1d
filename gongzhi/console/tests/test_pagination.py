"""The shared pagination include: a few numbers around the page, filters kept."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def render_page(number: int, rows: int = 2000, query: str = "") -> str:
    page = Paginator(range(rows), 20).get_page(number)
    request = RequestFactory().get(f"/console/regions/search/?q=社区{query}&page={number}")
    return render_to_string("includes/pagination.html", {"page_obj": page}, request=request)


class TestPagination:
    def test_it_shows_a_window_of_pages_not_all_of_them(self) -> None:
        html = render_page(50)
        assert html.count("<li>") == 2 + 9  # previous, next, 1 … 48 49 50 51 52 … 100
        assert 'aria-current="page"><span class="visually-hidden">第</span>50' in html
        assert "第 50 / 100 页，共 2000 条" in html

    def test_its_links_keep_the_filters(self) -> None:
        html = render_page(2)
        assert 'href="?q=%E7%A4%BE%E5%8C%BA&amp;page=3" rel="next"' in html

    def test_the_ends_cannot_go_further(self) -> None:
        html = render_page(1)
        assert '<span class="disabled" aria-disabled="true">上一页</span>' in html

    def test_a_single_page_needs_no_pagination(self) -> None:
        assert render_page(1, rows=5).strip() == ""
