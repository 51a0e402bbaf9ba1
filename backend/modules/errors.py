from backend.errors import Conflict


class ModuleUnchanged(Conflict):
    code = "module_unchanged"
    message = "内容与当前版本相同，未生成新版本"
