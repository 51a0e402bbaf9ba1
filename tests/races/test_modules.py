"""Editors publishing a module's new version at once on a live server (both databases): of those
that started from the same version (If-Match), one publishes and the others get 412, so no
editor's version silently replaces another's."""

import httpx2 as httpx
from sqlalchemy import func, select

from backend.modules.models import ModuleVersion
from backend.vocab import Role
from tests.modules.test_versions import NEW_CONTENT
from tests.races.test_writes import N, race, scene  # noqa: F401 (scene is a fixture)


def test_of_editors_from_the_same_version_one_publishes(live, scene):  # noqa: ANN001, F811
    session, make, _call, _people = scene
    qa = make.user(Role.qa_officer)
    session.commit()
    headers = {"Authorization": f"Bearer {live.token(session, qa)}"}
    api = f"{live.base_url}/api/v1/modules"
    listing = httpx.get(api, params={"q": "fire-extinguisher"}, headers=headers, timeout=30)
    module_id = next(m["id"] for m in listing.json()["items"] if m["code"] == "fire-extinguisher")
    etag = httpx.get(f"{api}/{module_id}", headers=headers, timeout=30).headers["ETag"]

    def publish(n: int) -> httpx.Response:
        return httpx.post(f"{api}/{module_id}/versions", timeout=60,
                          json={**NEW_CONTENT, "name": f"灭火器（编辑 {n}）"},
                          headers={**headers, "If-Match": etag})

    statuses = sorted(r.status_code for r in race(N, publish))
    assert statuses == [201] + [412] * (N - 1), statuses
    session.rollback()
    versions = session.scalar(select(func.count()).select_from(ModuleVersion)
                              .where(ModuleVersion.module_id == module_id))
    assert versions == int(etag.strip('"')) + 1
