"""GET /me's campaign and escalation flags say what the permission matrix finds the server
doing, so the phone offers exactly what the server accepts (it guessed from role names)."""

import pytest

from tests.permissions.test_matrix import EXPECTED, PEOPLE


@pytest.mark.parametrize("person", list(PEOPLE))
def test_the_flags_are_the_matrix(client, make, person):
    role, center = PEOPLE[person]
    user = make.user(role, center=getattr(make.org, center) if center else None)
    caps = client.get("/api/v1/me", headers=make.headers(user)).json()["capabilities"]
    own = person.endswith("_own")  # the matrix's objects are the catering center's
    listed = EXPECTED["list_campaigns"][person] == 1
    assert caps["escalations"] is (EXPECTED["list_escalations"][person] != 403)
    assert caps["campaigns"]["dispatch"] is (EXPECTED["create_campaign"][person] == 201)
    assert caps["campaigns"]["all_centers"] is (listed and not own)
    if not person.endswith("_other"):  # their flags speak of their own center's campaigns
        assert caps["campaigns"]["read"] is listed
        assert caps["campaigns"]["submit_receipt"] is (EXPECTED["submit_receipt"][person] == 200)
    else:
        assert caps["campaigns"]["read"] and caps["campaigns"]["submit_receipt"] is \
            (EXPECTED["submit_receipt"][person.replace("_other", "_own")] == 200)
