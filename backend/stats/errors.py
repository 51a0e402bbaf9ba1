from backend.errors import Unprocessable


class PeriodInvalid(Unprocessable):
    code = "stats_period_invalid"
    message = "统计期间无效：开始日期不能晚于结束日期，且期间不能超过 366 天"
