import { catalogue } from '../i18n'

// 点位与二维码: the Sites screen's and the label sheet's strings. Site kinds in Chinese as the backend's
// vocab labels them (backend/vocab.py LABELS[SiteKind]).
const zh = {
  'f.q': '名称或位置', 'f.campus': '校区', 'f.center': '中心', 'f.kind': '点位类型', 'f.active': '状态', 'f.any': '全部',
  'f.activeYes': '启用', 'f.activeNo': '已停用',
  'col.name': '点位', 'col.kind': '类型', 'col.campus': '校区', 'col.center': '中心', 'col.code': '点位码',
  'col.attrs': '属性', 'col.status': '状态', 'col.ops': '操作',
  'attr.height': '高 {h} 米', 'attr.span': '大跨度屋盖', 'status.active': '启用', 'status.inactive': '已停用',
  'table.empty': '没有符合条件的点位', 'table.total': '共 {n} 个点位',
  'sel.count': '已选 {n} 个', 'sel.clear': '清空选择', 'sel.all': '选择全部 {n} 个筛选结果', 'sel.selecting': '正在选择…',
  'sel.page': '选择本页', 'sel.tooMany': '一次最多打印 {n} 个点位的标签', 'sel.failed': '选择失败：{m}',
  'act.create': '新建点位', 'act.edit': '编辑', 'act.print': '打印标签', 'act.pdf': '下载 PDF',
  'act.pdfDone': '已下载 {f}', 'act.pdfFailed': '下载失败：{m}', 'act.printHint': '先勾选要打印标签的点位',
  'form.createTitle': '新建点位', 'form.editTitle': '编辑点位 · {name}', 'form.name': '名称', 'form.kind': '点位类型',
  'form.campus': '校区', 'form.center': '责任中心', 'form.location': '位置', 'form.locationHint': '如：第一食堂一楼西侧',
  'form.height': '建筑高度', 'form.heightUnit': '米', 'form.heightHint': '涉及护栏、高层消防等限值时填写',
  'form.span': '大跨度屋盖', 'form.spanHint': '体育馆、食堂等：按雪荷载检查', 'form.code': '点位码',
  'form.codeHint': '留空则自动生成；4–32 位字母、数字或 -，创建后不可更改', 'form.codeFixed': '点位码不可更改：已打印的标签始终有效',
  'form.active': '启用', 'form.activeHint': '停用后该点位不能新建检查或隐患', 'form.required': '请填写{f}',
  'form.cancel': '取消', 'form.save': '保存', 'form.saved': '已保存', 'form.created': '已创建点位 {name}',
  'form.refused': '服务器未接受：{m}',
  'sheet.title': '点位二维码标签', 'sheet.count': '共 {n} 个标签，{p} 页 A4', 'sheet.print': '打印',
  'sheet.hint': '打印时选择 A4、缩放 100%、无页边距调整；沿虚线裁切', 'sheet.code': '点位码 {c}', 'sheet.scan': '安巡 · 扫码签到巡检',
  'sheet.none': '没有选择点位', 'sheet.loadFailed': '加载失败：{m}',
  'kind.canteen': '食堂后厨', 'kind.dormitory': '学生公寓', 'kind.teaching_building': '教学楼', 'kind.office_building': '办公楼',
  'kind.power_room': '配电房', 'kind.gas_facility': '燃气设施', 'kind.pump_room': '泵房', 'kind.boiler_room': '锅炉房',
  'kind.elevator': '电梯', 'kind.vehicle': '车辆', 'kind.parking': '停车场与车队', 'kind.venue': '体育场馆',
  'kind.construction': '施工现场', 'kind.outdoor': '室外区域', 'kind.dining_hall': '餐厅就餐区', 'kind.warehouse': '库房',
  'kind.chemical_store': '危化品与油料库', 'kind.swimming_pool': '游泳池', 'kind.security_room': '安防监控中心',
  'kind.campus_road': '校园道路', 'kind.campus_water': '校园水域', 'kind.other': '其他',
} as const

export type SitesKey = keyof typeof zh

const en: Record<SitesKey, string> = {
  'f.q': 'Name or location', 'f.campus': 'Campus', 'f.center': 'Center', 'f.kind': 'Site type', 'f.active': 'Status', 'f.any': 'Any',
  'f.activeYes': 'Active', 'f.activeNo': 'Deactivated',
  'col.name': 'Site', 'col.kind': 'Type', 'col.campus': 'Campus', 'col.center': 'Center', 'col.code': 'Code',
  'col.attrs': 'Attributes', 'col.status': 'Status', 'col.ops': 'Actions',
  'attr.height': '{h} m high', 'attr.span': 'Large-span roof', 'status.active': 'Active', 'status.inactive': 'Deactivated',
  'table.empty': 'No sites match', 'table.total': '{n} sites',
  'sel.count': '{n} selected', 'sel.clear': 'Clear selection', 'sel.all': 'Select all {n} filtered', 'sel.selecting': 'Selecting…',
  'sel.page': 'Select this page', 'sel.tooMany': 'At most {n} sites\' labels at a time', 'sel.failed': 'Selection failed: {m}',
  'act.create': 'New site', 'act.edit': 'Edit', 'act.print': 'Print labels', 'act.pdf': 'Download PDF',
  'act.pdfDone': 'Downloaded {f}', 'act.pdfFailed': 'Download failed: {m}', 'act.printHint': 'Tick the sites to label first',
  'form.createTitle': 'New site', 'form.editTitle': 'Edit site · {name}', 'form.name': 'Name', 'form.kind': 'Site type',
  'form.campus': 'Campus', 'form.center': 'Responsible center', 'form.location': 'Location', 'form.locationHint': 'e.g. Canteen 1, ground floor, west side',
  'form.height': 'Building height', 'form.heightUnit': 'm', 'form.heightHint': 'Where it changes a limit: railings, high-rise fire rules',
  'form.span': 'Large-span roof', 'form.spanHint': 'Sports halls, canteens: checked for snow load', 'form.code': 'Site code',
  'form.codeHint': 'Leave empty to generate one; 4–32 letters, digits or -, fixed once created', 'form.codeFixed': 'The code never changes: printed labels stay valid',
  'form.active': 'Active', 'form.activeHint': 'A deactivated site takes no new inspections or hazards', 'form.required': '{f} is required',
  'form.cancel': 'Cancel', 'form.save': 'Save', 'form.saved': 'Saved', 'form.created': 'Created site {name}',
  'form.refused': 'The server refused: {m}',
  'sheet.title': 'Site QR labels', 'sheet.count': '{n} labels on {p} A4 pages', 'sheet.print': 'Print',
  'sheet.hint': 'Print on A4 at 100% scale; cut along the dashed lines', 'sheet.code': 'Code {c}', 'sheet.scan': 'AnXun · scan to check in',
  'sheet.none': 'No sites selected', 'sheet.loadFailed': 'Failed to load: {m}',
  'kind.canteen': 'Canteen kitchen', 'kind.dormitory': 'Dormitory', 'kind.teaching_building': 'Teaching building', 'kind.office_building': 'Office building',
  'kind.power_room': 'Power room', 'kind.gas_facility': 'Gas facility', 'kind.pump_room': 'Pump room', 'kind.boiler_room': 'Boiler room',
  'kind.elevator': 'Elevator', 'kind.vehicle': 'Vehicle', 'kind.parking': 'Parking and fleet', 'kind.venue': 'Sports venue',
  'kind.construction': 'Construction site', 'kind.outdoor': 'Outdoor area', 'kind.dining_hall': 'Dining hall', 'kind.warehouse': 'Warehouse',
  'kind.chemical_store': 'Chemical and fuel store', 'kind.swimming_pool': 'Swimming pool', 'kind.security_room': 'Security control room',
  'kind.campus_road': 'Campus road', 'kind.campus_water': 'Campus water', 'kind.other': 'Other',
}

export const st = catalogue<SitesKey>(zh, en)
