"""/console/tasks/: a user's own work with a progress bar that polls until the work ends."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.core.progress import ProgressReporter, start_progress


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def running(personas):
    progress = start_progress("residents.import", "导入居民", user=personas.staff_a, total=10_000)
    reporter = ProgressReporter(progress.pk, every=1)
    reporter.start("正在校验第 7,000 行")
    reporter.advance(7_000)
    progress.refresh_from_db()
    return progress


@pytest.mark.django_db
class TestProgressPage:
    def test_it_shows_a_labelled_progress_bar(self, personas, running):
        response = logged_in(personas.staff_a).get(reverse("core:task_progress", args=[running.pk]))

        assert response.status_code == 200
        html = response.content.decode()
        assert f'<label for="task-progress-bar-{running.pk}">导入居民</label>' in html
        assert f'<progress id="task-progress-bar-{running.pk}" max="10000" value="7000"' in html
        # Chinese number format groups no digits: 10000, not 10,000.
        assert "70%（7000/10000）" in html
        assert "正在校验第 7,000 行" in html
        assert 'aria-live="polite"' in html

    def test_it_polls_every_second_while_the_work_runs(self, personas, running):
        response = logged_in(personas.staff_a).get(reverse("core:task_progress", args=[running.pk]))

        html = response.content.decode()
        assert f'hx-get="{reverse("core:task_progress", args=[running.pk])}"' in html
        assert 'hx-trigger="every 1s"' in html

    def test_the_htmx_partial_is_the_bar_alone(self, personas, running):
        client = logged_in(personas.staff_a)

        response = client.get(
            reverse("core:task_progress", args=[running.pk]), headers={"HX-Request": "true"}
        )

        html = response.content.decode()
        assert "<progress" in html
        assert 'hx-trigger="every 1s"' in html
        assert "<html" not in html and "<nav" not in html

    def test_the_partial_stops_polling_and_announces_the_end(self, personas, running):
        client = logged_in(personas.staff_a)
        ProgressReporter(running.pk).succeed({"url": "/media/errors.xlsx", "label": "下载错误行"})

        response = client.get(
            reverse("core:task_progress", args=[running.pk]), headers={"HX-Request": "true"}
        )

        html = response.content.decode()
        assert "hx-trigger" not in html and "hx-get" not in html
        assert 'max="10000" value="10000"' in html
        assert '<a href="/media/errors.xlsx">下载错误行</a>' in html
        assert f'id="task-announcement-{running.pk}" hx-swap-oob="innerHTML"' in html
        assert "“导入居民”已完成。" in html

    def test_a_failed_task_shows_its_reason(self, personas, running):
        ProgressReporter(running.pk).fail("第 12 行：身份证号校验位不正确")

        html = (
            logged_in(personas.staff_a)
            .get(reverse("core:task_progress", args=[running.pk]))
            .content.decode()
        )

        assert 'role="alert"' in html and "第 12 行：身份证号校验位不正确" in html
        assert "hx-trigger" not in html

    @pytest.mark.parametrize("other", ["staff_b", "street_staff", "county_admin"])
    def test_someone_elses_task_is_not_found(self, personas, running, other):
        response = logged_in(getattr(personas, other)).get(
            reverse("core:task_progress", args=[running.pk])
        )

        assert response.status_code == 404

    def test_someone_elses_task_is_not_found_to_htmx_either(self, personas, running):
        response = logged_in(personas.staff_b).get(
            reverse("core:task_progress", args=[running.pk]), headers={"HX-Request": "true"}
        )

        assert response.status_code == 404

    def test_an_anonymous_visitor_is_sent_to_log_in(self, running):
        response = Client().get(reverse("core:task_progress", args=[running.pk]))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
class TestTaskList:
    def test_it_lists_only_the_users_own_tasks_newest_first(self, personas):
        start_progress("a", "导出网格", user=personas.staff_a)
        start_progress("b", "导入居民", user=personas.staff_a)
        start_progress("c", "校验审计链", user=personas.staff_b)

        response = logged_in(personas.staff_a).get(reverse("core:task_list"))

        html = response.content.decode()
        assert response.status_code == 200
        assert html.index("导入居民") < html.index("导出网格")
        assert "校验审计链" not in html
        assert '<th scope="col">' in html

    def test_it_says_so_when_there_are_none(self, personas):
        html = logged_in(personas.staff_b).get(reverse("core:task_list")).content.decode()

        assert "您还没有发起过后台任务。" in html
