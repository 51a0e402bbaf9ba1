"""Creating modules on a real server: the same code twice at once is one 201 and one 409."""

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx

from backend.vocab import Role

MODULE = {"code": "raced-module", "category": "fire", "name": "并发创建的模块", "items": [
    {"code": "a", "text": "灭火器压力正常", "kind": "pass_fail", "photo_required_on_fail": False,
     "category": "fire", "default_grade": "general"}]}


def test_concurrent_creations_of_one_code(live):
    session, make = live.factory()
    headers = {"Authorization": f"Bearer {live.token(session, make.user(Role.qa_officer))}"}
    session.close()

    def create(_: int) -> httpx.Response:
        return httpx.post(f"{live.base_url}/api/v1/modules", json=MODULE, headers=headers,
                          timeout=60)

    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(create, range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 5, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"duplicate"}
