"""The exports and the hazard aggregates in the permission matrix: is the catering center's
hazard (or inspection) in the file / counted, for everyone."""

import csv
import io

import openpyxl

from backend.vocab import Role

LIST = dict(inspector_own=1, inspector_other=0, manager_own=1, manager_other=0, qa=1, leader=1,
            admin=0)
EXPECTED = {name: LIST for name in ("export_hazards_csv", "export_hazards_xlsx",
                                    "export_inspections_csv", "export_inspections_xlsx",
                                    "hazard_stats")}


def _ids(resp, name: str) -> set[int] | int:  # noqa: ANN001
    if resp.status_code != 200:
        return resp.status_code
    if name.endswith("csv"):
        rows = csv.reader(io.StringIO(resp.content.decode("utf-8-sig"), newline=""))
        return {int(r[0]) for r in list(rows)[1:]}
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).worksheets[0]
    return {int(r[0]) for r in list(sheet.iter_rows(values_only=True))[1:]}


def call(name, client, make, user):  # noqa: ANN001
    owner = make.user(Role.inspector, center=make.org.catering)
    headers = make.headers(user)
    if name == "hazard_stats":
        make.hazard(owner)
        resp = client.get("/api/v1/hazards/stats?group_by=center", headers=headers)
        if resp.status_code != 200:
            return resp.status_code
        return sum(g["center_id"] == make.org.catering.id for g in resp.json()["groups"])
    if "hazards" in name:
        wanted = make.hazard(owner).id
    else:
        module_id = client.get("/api/v1/modules", headers=make.headers(owner)) \
            .json()["items"][0]["id"]
        wanted = client.post("/api/v1/inspections", headers=make.headers(owner), json={
            "module_id": module_id, "site_id": make.org.kitchen.id}).json()["id"]
    path = name.removeprefix("export_").replace("_", ".")
    found = _ids(client.get(f"/api/v1/exports/{path}", headers=headers), name)
    return found if isinstance(found, int) else int(wanted in found)
