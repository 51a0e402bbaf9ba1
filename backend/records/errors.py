from backend.errors import Conflict, Forbidden, NotFound, Unprocessable


class RecordNotFound(NotFound):
    code = "record_not_found"
    message = "记录不存在"


class RecordAttachmentNotFound(NotFound):
    code = "record_attachment_not_found"
    message = "附件不存在"


class ActionCampaignNotFound(NotFound):
    code = "action_campaign_not_found"
    message = "三年行动不存在"


class RecordWriteForbidden(Forbidden):
    code = "record_write_forbidden"
    message = "只有本中心负责人或质监办可以修改本中心的记录"


class AccountabilityWriteForbidden(Forbidden):
    code = "accountability_write_forbidden"
    message = "只有质监办可以登记通报表扬、通报批评和约谈"


class TableSubmitForbidden(Forbidden):
    code = "table_submit_forbidden"
    message = "只有本中心负责人可以提交本中心的附表"


class RecordChanged(Conflict):
    code = "record_changed"
    message = "记录已被他人修改，请刷新后重试"


class StandardItemFixed(Conflict):
    code = "standard_item_fixed"
    message = "附表1的固定条目（安全工作组织机构、安全责任网络表、安全生产责任书）不能删除或改名"


class TableAlreadySubmitted(Conflict):
    code = "table_already_submitted"
    message = "本中心已提交该附表"


class RecordCenterRequired(Unprocessable):
    code = "record_center_required"
    message = "请指定记录所属的中心"


class ReviewIncomplete(Unprocessable):
    code = "review_incomplete"
    message = "审查结论（废、改、留、立）与审查日期须同时填写"


class RecordLinksInvalid(Unprocessable):
    code = "record_links_invalid"
    message = "关联的人员、隐患、检查任务或三年行动不存在，或不属于该中心"


class ActionYearsInvalid(Unprocessable):
    code = "action_years_invalid"
    message = "三年行动的起止年份无效：结束年份不能早于开始年份，且不超过10年"
