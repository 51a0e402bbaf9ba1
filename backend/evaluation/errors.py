from backend.errors import Forbidden, Unprocessable


class EvaluationForbidden(Forbidden):
    code = "evaluation_forbidden"
    message = "只有质监办、集团领导和中心负责人可以查看考评"


class WeightsWriteForbidden(Forbidden):
    code = "evaluation_weights_forbidden"
    message = "只有质监办可以修改考评权重"


class WeightsInvalid(Unprocessable):
    code = "evaluation_weights_invalid"
    message = "考评权重无效：每项权重须为 0 到 1000 的整数且合计大于 0，参数须在允许范围内"


class PeriodInvalid(Unprocessable):
    code = "evaluation_period_invalid"
    message = "考评期间无效：开始日期不能晚于结束日期"
