from fastapi import APIRouter

from backend.accounts.schemas import UserOut
from backend.deps import CurrentUser, SessionDep, SettingsDep
from backend.me import service
from backend.me.schemas import MeOut, TodoOut

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", response_model=MeOut)
def read_me(user: CurrentUser, settings: SettingsDep) -> MeOut:
    """The logged-in user, with what the phone may offer them (the kinds of inspection they may
    start, the plan fields an assignment needs)."""
    return MeOut(**UserOut.model_validate(user).model_dump(),
                 capabilities=service.capabilities(settings, user))


@router.get("/todo", response_model=TodoOut)
def read_my_todo(user: CurrentUser, session: SessionDep) -> TodoOut:
    """Counts for the home screen: 待我指派, 待我验收, my rectifications, overdue, major."""
    return service.todo(session, user)
