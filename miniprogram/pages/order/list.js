// Orders tab: the caller's orders, filtered by status; reloads every time the tab shows.
const { get, errorText } = require('../../utils/request.js')
const { formatPrice, formatTime, orderStatusText } = require('../../utils/format.js')

const FILTERS = [
  { status: '', text: '全部' },
  { status: 'created', text: '待支付' },
  { status: 'paid', text: '已支付' },
  { status: 'shipped', text: '待收货' },
  { status: 'completed', text: '已完成' },
  { status: 'refunded', text: '退款' }
]

Page({
  data: {
    filters: FILTERS,
    status: '',
    orders: [],
    loading: false,
    error: ''
  },

  onShow() {
    this.loadOrders()
  },

  onPullDownRefresh() {
    this.loadOrders().then(() => wx.stopPullDownRefresh())
  },

  onFilterTap(e) {
    const status = e.currentTarget.dataset.status || ''
    if (status === this.data.status) return
    this.setData({ status, orders: [] })
    this.loadOrders()
  },

  loadOrders() {
    const status = this.data.status
    this.setData({ loading: true, error: '' })
    const query = status ? { status } : undefined
    return get('/api/orders', query).then((res) => {
      if (status !== this.data.status) return // the filter changed meanwhile
      const orders = (res.orders || []).map((o) => Object.assign({}, o, {
        amountText: formatPrice(o.amount),
        statusText: orderStatusText(o.status),
        timeText: formatTime(o.createdAt)
      }))
      this.setData({ orders, loading: false })
    }, (err) => {
      this.setData({ loading: false, error: errorText(err) })
    })
  },

  onOrderTap(e) {
    wx.navigateTo({ url: '/pages/order/detail?id=' + e.currentTarget.dataset.id })
  }
})
