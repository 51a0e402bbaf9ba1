"""Refusals of new work in a deactivated part of the organisation (a leaf module: accounts and
the inspection and hazard services raise them without importing the organisation's service)."""

from backend.errors import Conflict


class SiteInactive(Conflict):
    code = "site_inactive"
    message = "该点位已停用，不能新建检查或隐患"


class CenterInactive(Conflict):
    code = "center_inactive"
    message = "该中心已停用，不能新建检查、隐患或加入用户"


class CampusInactive(Conflict):
    code = "campus_inactive"
    message = "该点位所在校区已停用，不能新建检查或隐患"
