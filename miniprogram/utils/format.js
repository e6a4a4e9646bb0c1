// Formatting helpers. Written as an ES module: WeChat's compiler ("es6": true) turns
// import/export into CommonJS, so both `import format from '../../utils/format'` and
// `const { formatPrice } = require('../../utils/format.js')` work.

function pad(n) {
  return n < 10 ? '0' + n : String(n)
}

// 1230 (fen) -> "¥12.30"
export function formatPrice(fen) {
  const value = Number(fen)
  if (!isFinite(value)) return '¥0.00'
  const sign = value < 0 ? '-' : ''
  const abs = Math.abs(Math.round(value))
  return sign + '¥' + Math.floor(abs / 100) + '.' + pad(abs % 100)
}

// A time from the API (ISO string, epoch ms number or numeric string) -> epoch ms
export function toMs(t) {
  if (t === null || t === undefined || t === '') return 0
  if (typeof t === 'number') return t
  if (/^\d+$/.test(String(t))) return Number(t)
  const ms = Date.parse(t)
  return isNaN(ms) ? 0 : ms
}

// milliseconds left -> "h:mm:ss" (hours are not capped at 24)
export function formatCountdown(ms) {
  const total = Math.max(0, Math.floor(Number(ms) / 1000)) || 0
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return h + ':' + pad(m) + ':' + pad(s)
}

// ISO time -> "MM-DD HH:mm" in the device's local time
export function formatTime(t) {
  const ms = toMs(t)
  if (!ms) return ''
  const d = new Date(ms)
  return pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes())
}

// 0.253 -> "25.3%"
export function formatPercent(rate) {
  const v = Number(rate) || 0
  return (Math.round(v * 1000) / 10) + '%'
}

export const ORDER_STATUS_TEXT = {
  created: '待支付',
  paid: '已支付',
  shipped: '已发货',
  completed: '已完成',
  closed: '已关闭',
  refunding: '退款中',
  refunded: '已退款',
  refund_failed: '退款失败'
}

export function orderStatusText(status) {
  return ORDER_STATUS_TEXT[status] || status || ''
}

export default {
  formatPrice,
  toMs,
  formatCountdown,
  formatTime,
  formatPercent,
  orderStatusText,
  ORDER_STATUS_TEXT
}
