"""The phone's 逾期升级 list beyond one page (review-11 S7): it read the first 200 escalations and
matched them against the first 200 overdue hazards, so a hazard past either page showed as
已不再逾期 while still overdue. Now the server pages what is still overdue, the list loads
further pages as it scrolls, and each row's state is the server's."""

import uuid
from datetime import timedelta

import pytest

from backend.clock import today
from backend.escalations.models import Escalation
from backend.hazards.workflow import Status
from backend.vocab import Role
from tests.e2e.conftest import shot
from tests.e2e.steps import login

OVERDUE = 110  # 220 escalations: past the 200 the page once read, and five pages of 50


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    org = make.org
    tag = uuid.uuid4().hex[:6]
    reporter = make.user(Role.inspector, center=org.catering, username=f"insp-{tag}")
    due = today() - timedelta(days=9)

    def escalated(title: str, status: Status) -> None:
        hazard = make.hazard(reporter)
        hazard.title, hazard.status, hazard.deadline = title, status, due
        for level in (1, 2):
            session.add(Escalation(object_type="hazard", object_id=hazard.id,
                                   group_id=org.group.id, center_id=org.catering.id,
                                   level=level, due_on=due, days_overdue=7, title=title))

    escalated("已整改的配电箱", Status.closed)  # the oldest: it sorts last either way
    for n in range(OVERDUE):
        escalated(f"逾期隐患{n:03d}", Status.assigned)
    session.commit()
    manager = make.user(Role.center_manager, center=org.catering, username=f"mgr-{tag}")
    yield {"manager": manager}
    session.close()


def test_every_hazard_still_overdue_is_shown_as_such_past_the_first_page(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["manager"])
    tile = page.locator("[data-test=tile-escalations] .ax-tile__n")
    tile.filter(has_text=str(OVERDUE)).wait_for()  # the server's count, not a page's
    tile.click()
    page.locator("[data-test=escalations-count]", has_text=f"{OVERDUE} 项仍逾期").wait_for()
    rows = page.locator("[data-test=escalation]")
    rows.first.wait_for()
    page.wait_for_timeout(300)
    assert rows.count() < OVERDUE  # one page of 50 escalations: 25 hazards at level 2
    while not page.locator(".van-list__finished-text").is_visible():
        rows.last.scroll_into_view_if_needed()
        page.wait_for_timeout(150)
    texts = rows.all_inner_texts()
    assert len(texts) == OVERDUE + 1
    assert all("逾期 9 天" in x and "已报质监办" in x for x in texts[:OVERDUE])
    assert sorted(x.split("\n")[0] for x in texts[:OVERDUE]) == \
        [f"逾期隐患{n:03d}" for n in range(OVERDUE)]
    assert texts[-1].startswith("已整改的配电箱") and "已不再逾期" in texts[-1]
    assert page.locator("[data-test=escalation-resolved]").count() == 1
    page.locator(".van-list__finished-text").scroll_into_view_if_needed()
    shot(page, "esc-list-paged-end")
