"""The evaluation's endpoints in the permission matrix: the ranking (how many rows of the
catering center each caller is shown), and its weights."""

from tests.evaluation.test_weights_api import DEFAULT
from tests.records.support import API

PEOPLE = ("inspector_own", "inspector_other", "manager_own", "manager_other", "qa", "leader",
          "admin")


def _row(*codes: int) -> dict[str, int]:
    return dict(zip(PEOPLE, codes, strict=True))


EXPECTED = {
    # a center manager is shown their own center's row only
    "read_evaluation": _row(403, 403, 1, 0, 1, 1, 403),
    "read_evaluation_weights": _row(403, 403, 200, 200, 200, 200, 403),
    "update_evaluation_weights": _row(403, 403, 403, 403, 200, 403, 403),
}


def call(name, client, make, user) -> int:  # noqa: ANN001
    headers = make.headers(user)
    if name == "read_evaluation_weights":
        return client.get(f"{API}/evaluation/weights", headers=headers).status_code
    if name == "update_evaluation_weights":
        return client.put(f"{API}/evaluation/weights", headers={**headers, "If-Match": '"0"'},
                          json=DEFAULT).status_code
    assert name == "read_evaluation"
    resp = client.get(f"{API}/evaluation", headers=headers)
    if resp.status_code != 200:
        return resp.status_code
    return sum(r["center_id"] == make.org.catering.id for r in resp.json()["centers"])
