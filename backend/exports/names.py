"""The names a batch of rows shows instead of ids, in one query per kind of thing."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.org.models import Campus, Center, Site


def names_of(session: Session, model: Any, ids: set[int | None],
             column: Any = None) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    name = column if column is not None else model.name
    rows = session.execute(select(model.id, name).where(model.id.in_(wanted)))
    return {row[0]: row[1] for row in rows}


class Names:
    """Centers', campuses', sites' and people's names of one batch."""

    def __init__(self, session: Session, *, centers: set[int], campuses: set[int],
                 sites: set[int], people: set[int | None]) -> None:
        self.centers = names_of(session, Center, set(centers))
        self.campuses = names_of(session, Campus, set(campuses))
        self.sites = names_of(session, Site, set(sites))
        self.people = names_of(session, User, people, User.display_name)

    def person(self, user_id: int | None) -> str | None:
        return self.people.get(user_id) if user_id is not None else None
