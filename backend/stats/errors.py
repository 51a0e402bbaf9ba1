from backend.errors import Conflict, Unprocessable


class PeriodInvalid(Unprocessable):
    code = "stats_period_invalid"
    message = "统计期间无效：开始日期不能晚于结束日期，且期间不能超过 366 天"


class FeedAfterHead(Conflict):
    code = "events_after_head"
    message = "after 超出了最新的事件序号（数据库是否已恢复为旧的备份？）"
