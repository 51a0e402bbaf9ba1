from backend.errors import AppError, Unprocessable


class TableFileUnsupported(AppError):
    status_code = 415
    code = "table_file_unsupported"
    message = "请上传 Excel 工作簿（.xlsx）"


class WorkbookTooLarge(AppError):
    status_code = 413
    code = "workbook_too_large"
    message = "工作簿过大（文件、解压后的内容或行数超出上限）"


class TableFileCorrupt(Unprocessable):
    code = "table_file_corrupt"
    message = "工作簿已损坏，无法读取"


class TableHeaderMismatch(Unprocessable):
    code = "table_header_mismatch"
    message = "表头与官方附表的格式不符（请使用导出的表格填写）"


class TableEmpty(Unprocessable):
    code = "table_empty"
    message = "表中没有数据行"


class TableRowsRejected(Unprocessable):
    code = "table_rows_rejected"
    message = "有不符合要求的行，整张表未导入（details.rows 逐行说明）"
