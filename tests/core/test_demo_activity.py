"""`anxun setup --demo` leaves work under way to look at: a running 专项检查 with one center's
回执 in, an earlier one with a late center, and a major hazard under 挂牌督办 (read back through
the API as the demo's people would)."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.campaigns.models import Campaign
from backend.config import Settings
from backend.db import make_engine
from backend.hazards.models import Hazard
from backend.main import create_app
from tests.core.test_cli import run_cli


def test_the_demo_has_campaigns_under_way_and_a_supervised_major_hazard(tmp_path):
    data_dir = tmp_path / "data"
    first = run_cli(data_dir, "setup", "--demo")
    assert "冬季消防安全专项检查" in first.stdout
    passwords = dict(line.split(" ") for line in
                     (data_dir / "demo-accounts.txt").read_text().splitlines())
    url = f"sqlite:///{data_dir / 'anxun.db'}"
    engine = make_engine(url)
    app = create_app(Settings(data_dir=data_dir, database_url=url, scheduler_enabled=False),
                     engine)
    with TestClient(app) as client:
        def login(name: str) -> dict[str, str]:
            token = client.post("/api/v1/auth/login", json={
                "username": name, "password": passwords[name]}).json()["access_token"]
            return {"Authorization": f"Bearer {token}"}

        qa = login("qa")
        centers = {c["id"]: c["code"] for c in client.get("/api/v1/centers", headers=qa).json()}
        listed = {c["title"]: c for c in
                  client.get("/api/v1/campaigns", headers=qa).json()["items"]}
        winter, gas = listed["冬季消防安全专项检查"], listed["第四季度燃气安全专项检查"]
        assert winter["status"] == "dispatched" and not winter["late_center_ids"]
        receipts = {centers[c["center_id"]]: c["receipt"]["status"] for c in winter["centers"]}
        assert receipts == {"catering": "submitted", "property": "pending", "energy": "pending"}
        assert all(c["tasks_total"] > 0 for c in winter["centers"])
        assert [centers[i] for i in gas["late_center_ids"]] == ["energy"]

        manager = login("canteen_manager")
        [major] = client.get("/api/v1/hazards", params={"grade": "major"},
                             headers=manager).json()["items"]
        assert major["supervision"]["supervisor"] == "王主任" and major["restricted_use"]
        assert major["status"] == "assigned" and major["governance_plan"]["objective"]
        photo = client.get(major["photos"][0]["urls"]["thumb"])
        assert photo.status_code == 200 and photo.content.startswith(b"\xff\xd8")
        sheet = client.get(f"/api/v1/hazards/{major['id']}/supervision/sheet", headers=qa)
        assert sheet.status_code == 200 and "燃气管道锈蚀渗漏" in sheet.text

    run_cli(data_dir, "setup", "--demo")  # again: nothing added
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Campaign)) == 2
        assert conn.scalar(select(func.count()).select_from(Hazard)) == 1
    engine.dispose()
