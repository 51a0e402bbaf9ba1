from backend.errors import Conflict, Forbidden, NotFound, Unprocessable


class EntryNotFound(NotFound):
    code = "rectification_entry_not_found"
    message = "整改计划条目不存在"


class EntryManageForbidden(Forbidden):
    code = "rectification_manage_forbidden"
    message = "只有本中心负责人或质监办可以编辑整改计划"


class EntryIncomplete(Unprocessable):
    code = "rectification_entry_incomplete"
    message = ("整改计划条目须填写名称、隐患描述和整改措施；"
               "不关联隐患的条目须注明类别（房屋维修、设施设备改造或更新、信息化建设等）")


class EntryCenterRequired(Unprocessable):
    code = "rectification_center_required"
    message = "请指定整改计划所属的中心"


class EntryHazardInvalid(Unprocessable):
    code = "rectification_hazard_invalid"
    message = "关联的隐患须属于该条目所在的中心"


class HazardAlreadyPlanned(Conflict):
    code = "rectification_hazard_planned"
    message = "该隐患已列入整改计划"


class EntryChanged(Conflict):
    code = "rectification_entry_changed"
    message = "整改计划条目已被他人修改，请刷新后重试"
