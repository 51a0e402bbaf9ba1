from backend.errors import Conflict, Forbidden, NotFound, Unprocessable


class CampaignNotFound(NotFound):
    code = "campaign_not_found"
    message = "检查任务不存在"


class CampaignTargetInvalid(Unprocessable):
    code = "campaign_target_invalid"
    message = "检查对象无效：中心须为本集团在用的业务中心，且至少有一个适用的点位"


class CampaignWindowInvalid(Unprocessable):
    code = "campaign_window_invalid"
    message = ("检查时间无效：结束日期不能早于开始日期或今天，回执截止日期不能早于结束日期")


class CampaignCancelled(Conflict):
    code = "campaign_cancelled"
    message = "该检查任务已撤销"


class CampaignChanged(Conflict):
    code = "campaign_changed"
    message = "检查任务已被他人修改，请刷新后重试"


class ReceiptForbidden(Forbidden):
    code = "campaign_receipt_forbidden"
    message = "只有被检查中心的负责人可以提交回执"


class ReceiptAlreadySubmitted(Conflict):
    code = "receipt_already_submitted"
    message = "本中心已提交回执；如需更正，请带上回执版本（If-Match）重新提交"


class AttachmentMissing(NotFound):
    code = "campaign_attachment_not_found"
    message = "该检查任务没有附件"


class ExternalInspectionNotFound(NotFound):
    code = "external_inspection_not_found"
    message = "上级检查记录不存在"


class ExternalTargetInvalid(Unprocessable):
    code = "external_target_invalid"
    message = "上级检查涉及的中心或点位不属于本集团"
