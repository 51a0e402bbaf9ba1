from backend.errors import Conflict, Forbidden, NotFound, Unprocessable


class PlanNotFound(NotFound):
    code = "plan_not_found"
    message = "巡检计划不存在"


class PlanTargetInvalid(Unprocessable):
    code = "plan_target_invalid"
    message = "巡检计划须指定一个本中心的点位，或一种点位类型（二者选一）"


class PlanScheduleInvalid(Unprocessable):
    code = "plan_schedule_invalid"
    message = "巡检频次或时间窗口不完整或不一致"


class PlanInspectorInvalid(Unprocessable):
    code = "plan_inspector_invalid"
    message = "责任巡检员必须是该中心的在岗人员"


class PlanCenterRequired(Unprocessable):
    code = "plan_center_required"
    message = "请指定巡检计划所属的中心"


class PlanChanged(Conflict):
    code = "plan_changed"
    message = "巡检计划已被他人修改，请刷新后重试"


class PlanManageForbidden(Forbidden):
    code = "plan_manage_forbidden"
    message = "只有本中心负责人或质监办可以管理巡检计划"


class CoveragePeriodInvalid(Unprocessable):
    code = "coverage_period_invalid"
    message = "统计期间无效：开始日期不能晚于结束日期，且期间不能超过 366 天"
