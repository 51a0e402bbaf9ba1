"""The module list fits the site: modules for the site's kind first (适用于本点位), then the recently
used, then the rest by category; the search filters by name or code; all stay reachable, offline too."""

import uuid

import pytest

from backend.modules.service import load_catalogue
from backend.vocab import Role
from tests.e2e.conftest import shot
from tests.e2e.steps import api, login, wait_for_service_worker


def module_body(name: str, code: str, category: str, site_kinds: list[str]) -> dict:
    item = {"code": "i1", "text": "煎炸油按规定更换，油色正常", "kind": "pass_fail", "photo_required_on_fail": True,
            "category": category, "default_grade": "general", "advice": "立即更换煎炸油并记录更换台账"}
    return {"code": code, "category": category, "name": name, "site_kinds": site_kinds, "items": [item]}


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    load_catalogue(session)  # the shipped 50 modules: the list the inspector really scrolls
    session.commit()
    orgs = make.org
    inspector = make.user(Role.inspector, username=f"ord-{uuid.uuid4().hex[:6]}")
    admin = make.user(Role.admin, username=f"ord-adm-{uuid.uuid4().hex[:6]}")
    tag = uuid.uuid4().hex[:6]
    client = api(live, admin)
    created = {}
    for key, name, kinds in (("canteen", "煎炸油更换检查", ["canteen"]), ("dorm", "宿舍违章电器检查", ["dormitory"])):
        r = client.post("/modules", json=module_body(name, f"ord-{key}-{tag}", "food", kinds))
        assert r.status_code == 201, r.text
        created[key] = r.json()
    yield {"org": orgs, "inspector": inspector, "canteen": created["canteen"], "dorm": created["dorm"]}
    session.close()


def group_names(page, key: str) -> list[str]:  # noqa: ANN001
    return page.locator(f"[data-test=modules-{key}] [data-test=module] .van-cell__title > span").all_inner_texts()


def open_kitchen(page, site_name: str) -> None:  # noqa: ANN001
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]", has_text=site_name).click()
    page.locator("[data-test=module]").first.wait_for()


def test_a_canteen_lists_its_modules_first_and_the_search_filters(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    wait_for_service_worker(page)
    kitchen = world["org"].kitchen
    assert kitchen.kind.value == "canteen"
    all_modules = api(live, world["inspector"]).get("/modules", params={"limit": 100}).json()["items"]
    assert len(all_modules) >= 52

    open_kitchen(page, kitchen.name)
    groups = page.locator("[data-test^=module-group-]")
    assert groups.first.get_attribute("data-test") == "module-group-site"
    assert groups.first.inner_text().startswith("适用于本点位")
    for_site = group_names(page, "site")
    assert world["canteen"]["name"] in for_site
    assert world["dorm"]["name"] not in for_site
    by_name = {m["name"]: m for m in all_modules}
    expected_for_site = [m["name"] for m in all_modules if "canteen" in m["site_kinds"]]
    assert sorted(for_site) == sorted(expected_for_site)
    # issue 9 point 7: a kitchen's list starts with food, not with 房屋结构 (27 of the shipped modules list
    # canteen); the most specific first, by the site_kinds the server sends
    shipped = [n for n in for_site if not by_name[n]["code"].startswith("ord-")]
    assert by_name[for_site[0]]["category"] == "food", for_site[:5]
    assert by_name[shipped[0]]["category"] == "food", shipped[:5]
    widths = [len(by_name[n]["site_kinds"]) for n in for_site]
    assert widths == sorted(widths), list(zip(for_site, widths, strict=True))
    # every module stays reachable: each one once, under some heading
    assert page.locator("[data-test=module]").count() == len(all_modules)
    shot(page, "module-order-01-canteen")

    # the search filters by name, then by code; an unknown word says so
    search = page.locator("[data-test=module-search] input")
    search.fill("煎炸油")
    page.locator("[data-test=module]", has_text=world["dorm"]["name"]).wait_for(state="detached")
    names = page.locator("[data-test=module] .van-cell__title > span").all_inner_texts()
    assert world["canteen"]["name"] in names and all("煎炸油" in n for n in names)
    shot(page, "module-order-02-search")
    search.fill(world["dorm"]["code"].upper())
    page.locator("[data-test=module]", has_text=world["dorm"]["name"]).wait_for()
    assert page.locator("[data-test=module]").count() == 1
    search.fill("没有这样的模块")
    page.locator("[data-test=no-modules]").wait_for()
    search.fill("")

    # a module started here is listed among the recent ones at the next site (after its own group)
    page.locator("[data-test=module]", has_text=world["dorm"]["name"]).click()
    page.wait_for_url("**/patrol/*")
    page.go_back()
    page.locator("[data-test=site]", has_text=kitchen.name).click()
    page.locator("[data-test=modules-recent]").wait_for()
    assert page.locator("[data-test^=module-group-]").nth(1).get_attribute("data-test") == "module-group-recent"
    assert group_names(page, "recent") == [world["dorm"]["name"]]

    # offline, from what the phone cached: the same groups
    phone.set_offline(True)
    page.reload()
    page.locator("[data-test=site]", has_text=kitchen.name).click()
    page.locator("[data-test=modules-site] [data-test=module]").first.wait_for()
    assert group_names(page, "site") == for_site
    assert page.locator("[data-test=module]").count() == len(all_modules)
    shot(page, "module-order-03-offline")
    phone.set_offline(False)
