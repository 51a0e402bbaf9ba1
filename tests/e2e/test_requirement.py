"""A hazard found by a checklist shows the item it failed (requirement, standard, why it is major), and
the assign form offers the item's usual fix (整改建议) as its measures (a major hazard's 方法措施 in its
治理方案), for the manager to edit."""

import uuid

import pytest

from backend.vocab import Role
from tests.e2e.conftest import shot
from tests.e2e.steps import api, login

ADVICE = "立即停用故障燃气灶具，联系燃气公司检修并记录"
MAJOR_BASIS = "教育系统重大事故隐患判定指南(2024)：燃气泄漏报警装置缺失"


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    orgs = make.org
    inspector = make.user(Role.inspector, username=f"req-{uuid.uuid4().hex[:6]}")
    manager = make.user(Role.center_manager, username=f"req-mgr-{uuid.uuid4().hex[:6]}")
    admin = make.user(Role.admin, username=f"req-adm-{uuid.uuid4().hex[:6]}")
    items = [
        {"code": "alarm", "text": "后厨燃气泄漏报警装置完好有效", "kind": "pass_fail", "photo_required_on_fail": False,
         "category": "gas", "default_grade": "major", "major_if_failed": True, "standard": "GB 50028-2006",
         "major_basis": MAJOR_BASIS, "advice": ADVICE, "method": "按下测试键，听报警声"},
        {"code": "hose", "text": "燃气软管无老化、龟裂", "kind": "pass_fail", "photo_required_on_fail": False,
         "category": "gas", "default_grade": "general"},
    ]
    r = api(live, admin).post("/modules", json={
        "code": f"req-{uuid.uuid4().hex[:6]}", "category": "gas", "name": "后厨燃气检查", "site_kinds": ["canteen"],
        "items": items})
    assert r.status_code == 201, r.text
    module = r.json()
    yield {"org": orgs, "inspector": inspector, "manager": manager, "module": module}
    session.close()


def failed_hazards(live, world) -> dict[str, int]:  # noqa: ANN001
    """Both items failed on a checklist submitted through the API: item code -> hazard id."""
    client = api(live, world["inspector"])
    module = world["module"]
    insp = client.post("/inspections", json={"module_id": module["id"], "site_id": world["org"].kitchen.id,
                                             "kind": "routine", "checkin_method": "list"})
    assert insp.status_code == 201, insp.text
    ids = {i["code"]: i["id"] for i in module["items"]}
    answers = [{"item_id": ids["alarm"], "result": "fail", "note": "报警器无电"},
               {"item_id": ids["hose"], "result": "fail", "note": "软管龟裂"}]
    assert client.put(f"/inspections/{insp.json()['id']}/answers", json={"answers": answers}).status_code == 200
    done = client.post(f"/inspections/{insp.json()['id']}/submit")
    assert done.status_code == 200, done.text
    by_text = {client.get(f"/hazards/{h}").json()["requirement"]["text"]: h for h in done.json()["hazard_ids"]}
    return {code: by_text[next(i["text"] for i in module["items"] if i["code"] == code)] for code in ids}


def test_the_requirement_is_shown_and_its_advice_prefills_the_measures(live, world, phone):  # noqa: ANN001
    hazards = failed_hazards(live, world)
    page = phone.new_page()
    login(page, live, world["manager"])

    page.goto(f"{live.base_url}/hazards/{hazards['alarm']}")
    card = page.locator("[data-test=requirement]")
    card.wait_for()
    assert "后厨燃气泄漏报警装置完好有效" in card.inner_text()
    assert "GB 50028-2006" in page.locator("[data-test=requirement-standard]").inner_text()
    assert MAJOR_BASIS in page.locator("[data-test=major-basis]").inner_text()
    shot(page, "requirement-01-major-hazard")

    page.locator("[data-test=action-assign]").click()
    form = page.locator("[data-test=action-form]")
    # a major hazard: the 治理方案 in place of measures, cost and interim measures; 方法措施 starts from the advice
    methods = form.locator("[data-test=f-methods] textarea")
    methods.wait_for()
    assert methods.input_value() == ADVICE
    assert form.locator("[data-test=f-measures], [data-test=f-cost], [data-test=f-interim]").count() == 0
    form.locator("[data-test=measures-from-advice]").wait_for()
    page.wait_for_timeout(300)  # the popup's slide-in
    shot(page, "requirement-02-assign-prefilled")
    # the manager edits it; cleared, the advice is one tap away
    methods.fill("")
    form.locator("[data-test=use-advice]").click()
    assert methods.input_value() == ADVICE
    methods.fill(ADVICE + "，三日内完成")
    form.locator("[data-test=f-assignee] .ax-chip").first.click()
    form.locator("[data-test=deadline-3]").click()
    # a missing 治理方案 field is named at the field, not sent
    form.locator("[data-test=action-confirm]").click()
    form.locator("[data-test=f-funding] .van-field__error-message").wait_for()
    shot(page, "requirement-02b-governance-plan-errors")
    plan = {"objective": "恢复燃气泄漏报警功能", "funding": "0.2万元，报警器一台", "organization": "中心主任牵头，后勤组实施",
            "safety_measures": "检修期间关闭总阀，禁止明火", "emergency_plan": "泄漏时疏散人员并报燃气公司"}
    for field, text in plan.items():
        form.locator(f"[data-test=f-{field}] textarea").fill(text)
    form.locator("[data-test=action-confirm]").click()
    page.locator("[data-test=hazard-status]", has_text="整改中").wait_for(timeout=30000)
    assigned = api(live, world["manager"]).get(f"/hazards/{hazards['alarm']}").json()
    governance = assigned["governance_plan"]
    assert governance["methods"] == ADVICE + "，三日内完成"
    assert {f: governance[f] for f in plan} == plan
    assert governance["time_limit"] == assigned["deadline"]  # left empty: the deadline

    # an item without advice: the measures start empty; a general hazard has no major basis line
    page.goto(f"{live.base_url}/hazards/{hazards['hose']}")
    page.locator("[data-test=requirement]").wait_for()
    assert page.locator("[data-test=major-basis]").count() == 0
    assert page.locator("[data-test=requirement-standard]").count() == 0
    page.locator("[data-test=action-assign]").click()
    form.locator("[data-test=f-measures] textarea").wait_for()
    assert form.locator("[data-test=f-measures] textarea").input_value() == ""
    assert form.locator("[data-test=use-advice]").count() == 0

    # in English, the same card with English labels
    page.evaluate("() => localStorage.setItem('anxun.lang', 'en-US')")
    page.goto(f"{live.base_url}/hazards/{hazards['alarm']}")
    page.locator("[data-test=requirement]", has_text="Requirement").wait_for()
    assert page.locator("[data-test=major-basis]").inner_text().startswith("Major by rule: ")
    shot(page, "requirement-03-english")
