/** 点位类型 (backend/vocab.py SiteKind and its Chinese labels): plans target a kind of site, and a
 *  campaign may limit itself to some. The values come from the generated schema, so a kind added on
 *  the server fails the type check here until it has its words. */
import type { components } from '../api/schema'
import { catalogue } from './i18n'

export type SiteKind = components['schemas']['SiteKind']

const zh: Record<SiteKind, string> = {
  canteen: '食堂后厨', dormitory: '学生公寓', teaching_building: '教学楼', office_building: '办公楼', power_room: '配电房',
  gas_facility: '燃气设施', pump_room: '泵房', boiler_room: '锅炉房', elevator: '电梯', vehicle: '车辆', parking: '停车场与车队',
  venue: '体育场馆', construction: '施工现场', outdoor: '室外区域', dining_hall: '餐厅就餐区', warehouse: '库房',
  chemical_store: '危化品与油料库', swimming_pool: '游泳池', security_room: '安防监控中心', campus_road: '校园道路',
  campus_water: '校园水域', other: '其他',
}
const en: Record<SiteKind, string> = {
  canteen: 'Canteen kitchen', dormitory: 'Dormitory', teaching_building: 'Teaching building', office_building: 'Office building',
  power_room: 'Power room', gas_facility: 'Gas facility', pump_room: 'Pump room', boiler_room: 'Boiler room', elevator: 'Elevator',
  vehicle: 'Vehicle', parking: 'Parking & fleet', venue: 'Sports venue', construction: 'Construction site', outdoor: 'Outdoor area',
  dining_hall: 'Dining hall', warehouse: 'Warehouse', chemical_store: 'Chemical & fuel store', swimming_pool: 'Swimming pool',
  security_room: 'Security control room', campus_road: 'Campus road', campus_water: 'Campus water', other: 'Other',
}

export const SITE_KINDS = Object.keys(zh) as SiteKind[]
export const siteKindLabel = catalogue<SiteKind>(zh, en)
