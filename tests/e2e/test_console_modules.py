"""巡检模块 in the desk console (issue 15) at 1440x900: the 50 modules listed and filtered, a module's
items and version history, an edit published as a new version beside the phone's preview, a refusal shown
as the server said it with the edits kept; on the phone, a checklist begun before the edit keeps its
version's items and a new one gets the new item; a role that may not edit reads the module only."""

import uuid

import pytest

from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module, load_catalogue
from backend.vocab import Category, Grade, ItemKind, Role, SiteKind
from tests.e2e.conftest import shot
from tests.e2e.test_checklist_edges import open_checklist
from tests.e2e.test_console import console_login
from tests.e2e.steps import api, login, synced, wait_until

NAME = "后厨燃气安全（控制台）"
OLD_TEXTS = ["燃气报警器工作正常", "燃气管道无锈蚀、无渗漏", "切断阀开关灵活"]
NEW_TEXT = "燃气间通风良好，排风扇运转正常"


def item(code: str, text: str, **extra) -> ItemIn:  # noqa: ANN003
    return ItemIn(code=code, text=text, kind=ItemKind.pass_fail, category=Category.gas,
                  default_grade=extra.pop("default_grade", Grade.general),
                  photo_required_on_fail=True, **extra)


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    load_catalogue(session)  # the shipped 50: the list a 质监办 officer really browses
    module, _ = create_module(session, ModuleCreateIn(
        code=f"console-gas-{uuid.uuid4().hex[:6]}", category=Category.gas, name=NAME,
        site_kinds=[SiteKind.canteen], standards=["GB 50028-2006"], items=[
            item("g1", OLD_TEXTS[0], method="按测试键，听报警声并看联动切断阀动作"),
            item("g2", OLD_TEXTS[1], default_grade=Grade.major, major_if_failed=True,
                 major_basis="教发厅函〔2024〕20号 三(三)1", advice="立即关阀，通知燃气公司抢修"),
            item("g3", OLD_TEXTS[2]),
        ]))
    session.commit()
    people = {
        "inspector": make.user(Role.inspector, username=f"modi-{uuid.uuid4().hex[:6]}"),
        "manager": make.user(Role.center_manager, username=f"modm-{uuid.uuid4().hex[:6]}"),
        "qa": make.user(Role.qa_officer, center=make.org.qa, username=f"modq-{uuid.uuid4().hex[:6]}"),
    }
    people["qa"].display_name = "王质监"
    session.commit()
    yield {"org": make.org, "module": module.id, **people}
    session.close()


def checklist_texts(page) -> list[str]:  # noqa: ANN001
    return [" ".join(t.split()) for t in page.locator("[data-test=item] .item__text").all_inner_texts()]


def test_an_edit_is_a_new_version_the_phone_uses_for_new_checklists_only(live, world, phone, desk):  # noqa: ANN001
    # on the phone: a checklist of version 1 begun and saved as a draft
    handset = phone.new_page()
    login(handset, live, world["inspector"])
    open_checklist(handset, world, NAME).first.locator("[data-test=result-pass]").click()
    handset.locator("[data-test=save-draft]").click()
    handset.locator("[data-test=home]").wait_for()
    synced(handset)

    page = desk.new_page()
    console_login(page, live, world["qa"])
    page.locator("[data-test='menu-/console/modules']").click()
    table = page.locator("[data-test=modules-table]")
    table.locator(".el-table__row").nth(49).wait_for()
    assert page.locator("[data-test=modules-table] .el-table__row").count() >= 51
    shot(page, "console-modules-01-list")
    page.locator("[data-test=modules-category]").click()
    page.get_by_role("option", name="燃气", exact=True).click()
    page.locator("[data-test=modules-q]").fill("控制台")
    assert page.locator("[data-test=modules-count]").inner_text() == "共 1 个模块"
    page.locator("[data-test=module-name]", has_text=NAME).click()

    page.locator("[data-test=module-items]").wait_for()
    assert page.locator("[data-test=item-text]").all_inner_texts() == OLD_TEXTS
    assert "教发厅函〔2024〕20号 三(三)1" in page.locator("[data-test=item-major]").inner_text()
    page.locator("[data-test=module-edit]").click()

    # the editor: one item added; the preview draws it as the phone will
    page.locator("[data-test=module-editor]").wait_for()
    page.locator("[data-test=edit-add]").click()
    added = page.locator("[data-test=edit-item]").nth(3)
    added.locator("[data-test=edit-item-text]").fill(NEW_TEXT)
    preview = page.locator("[data-test=phone-preview]")
    preview.locator("[data-test=item]", has_text=NEW_TEXT).wait_for()
    assert preview.locator("[data-test=item]").count() == 4
    # a number item without a unit: the server's refusal, the edits kept
    added.locator("[data-test=edit-item-kind]").click()
    page.locator(".el-select-dropdown__item:visible", has_text="数值读数").click()
    page.locator("[data-test=edit-save]").click()
    refused = page.locator("[data-test=edit-refused]")
    refused.wait_for()
    assert "服务器未接受：提交的数据不符合要求：数值项须填写下限或上限" in refused.inner_text()
    assert "第 4 项" in refused.inner_text()
    assert added.locator("[data-test=edit-item-text]").input_value() == NEW_TEXT
    shot(page, "console-modules-02-refused")
    added.locator("[data-test=edit-item-kind]").click()
    page.locator(".el-select-dropdown__item:visible", has_text="合格 / 不合格").click()
    # move it up one place, then back: the order is the phone's order
    added.locator("[data-test=edit-item-up]").click()
    assert page.locator("[data-test=edit-item]").nth(2).locator("[data-test=edit-item-text]").input_value() == NEW_TEXT
    page.locator("[data-test=edit-item]").nth(2).locator("[data-test=edit-item-down]").click()
    preview.locator("[data-test=item]").nth(3).filter(has_text=NEW_TEXT).wait_for()
    shot(page, "console-modules-03-editor-preview")
    page.locator("[data-test=edit-save]").click()

    page.locator("[data-test=module-items]").wait_for()
    page.locator("[data-test=module-version-tag]", has_text="第 2 版").wait_for()
    assert page.locator("[data-test=item-text]").all_inner_texts() == [*OLD_TEXTS, NEW_TEXT]
    page.locator(".el-tabs__item", has_text="版本历史").click()
    history = page.locator("[data-test=module-history]")
    assert "新增 1 项" in history.locator("[data-test=history-changes]").first.inner_text()
    assert "王质监" in history.inner_text()
    shot(page, "console-modules-04-history")
    page.locator("[data-test=view-version-1]").click()
    page.locator("[data-test=module-past]").wait_for()
    assert page.locator("[data-test=item-text]").all_inner_texts() == OLD_TEXTS

    # on the phone: the draft keeps version 1's items; a new checklist has the new one
    handset.locator("[data-test=draft]", has_text=NAME).click()
    handset.locator("[data-test=item]").first.wait_for()
    drafted = checklist_texts(handset)
    assert len(drafted) == 3 and all(t.startswith(f"{n}. {old}") for n, (t, old) in enumerate(zip(drafted, OLD_TEXTS, strict=True), 1))
    handset.locator("[data-test=submit]").wait_for()
    handset.go_back()
    handset.locator("[data-test=home]").wait_for()
    items = open_checklist(handset, world, NAME)
    wait_until(lambda: items.count() == 4)
    assert NEW_TEXT in checklist_texts(handset)[3]
    started = api(live, world["inspector"]).get("/modules/" + str(world["module"])).json()
    assert started["version"] == 2


def test_a_role_that_may_not_edit_reads_the_module_only(live, world, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, world["manager"])
    page.locator("[data-test='menu-/console/modules']").click()
    page.locator("[data-test=module-name]").first.wait_for()
    page.goto(f"{live.base_url}/console/modules/{world['module']}")
    page.locator("[data-test=module-read-only]").wait_for()
    assert page.locator("[data-test=module-edit]").count() == 0
    page.goto(f"{live.base_url}/console/modules/{world['module']}/edit")
    page.locator("[data-test=module-read-only]").wait_for()
    assert page.url.endswith(f"/console/modules/{world['module']}")
    assert page.locator("[data-test=module-editor]").count() == 0
