"""The official tables' export and import endpoints of the permission matrix: the catering
center's tables."""

from backend.vocab import Role
from tests.permissions.campaign_calls import READ
from tests.rectification.support import standalone
from tests.tables.support import XLSX

IMPORT = dict(inspector_own=403, inspector_other=403, manager_own=201, manager_other=404,
              qa=201, leader=403, admin=403)
EXPECTED = {
    **{f"export_table{n}": READ for n in (1, 2, 3)},
    "import_table3": IMPORT,
    "import_table2": IMPORT,
}


def call(name, client, make, user) -> int:  # noqa: ANN001
    center_id = make.org.catering.id
    headers = make.headers(user)
    if name.startswith("export"):
        return client.get(f"/api/v1/exports/{name.removeprefix('export_')}.xlsx"
                          f"?center_id={center_id}", headers=headers).status_code
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    table = name.removeprefix("import_")
    if table == "table3":
        client.post("/api/v1/rectification-entries", json=standalone(), headers=manager)
    else:
        client.post("/api/v1/regulations", json={"title": "燃气安全操作规定"}, headers=manager)
    form = client.get(f"/api/v1/exports/{table}.xlsx", headers=manager).content
    return client.post(f"/api/v1/imports/{table}.xlsx?center_id={center_id}", headers=headers,
                       files={"file": ("附表.xlsx", form, XLSX)}).status_code
