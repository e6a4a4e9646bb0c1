// Order detail: pay again (new prepay from the server), cancel, refund, confirm receipt.
// Query: id (required), from ('pay' right after a payment: re-check until the notification lands)
const { get, post, errorText } = require('../../utils/request.js')
const { formatPrice, formatTime, orderStatusText } = require('../../utils/format.js')
const { requestPayment, showPayFailed } = require('../../utils/pay.js')
const { reward } = require('../../utils/reward.js')
const nav = require('../../utils/nav.js')

const RECHECK_MS = 1000
const RECHECK_TIMES = 3

Page({
  data: {
    orderId: '',
    order: null,
    amountText: '',
    statusText: '',
    createdText: '',
    paidText: '',
    busy: false,
    loading: true
  },

  onLoad(options) {
    this.setData({ orderId: decodeURIComponent(options.id || '') })
    this.rechecks = options.from === 'pay' ? RECHECK_TIMES : 0
    this.timer = null
    this.loadOrder()
  },

  onUnload() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.unloaded = true
  },

  loadOrder() {
    return get('/api/orders/' + this.data.orderId).then((order) => {
      if (this.unloaded) return
      this.showOrder(order)
      // the server marks the order paid when WeChat Pay's notification arrives
      if (order.status === 'created' && this.rechecks > 0) {
        this.rechecks -= 1
        this.timer = setTimeout(() => { this.timer = null; this.loadOrder() }, RECHECK_MS)
      }
    }, (err) => {
      this.setData({ loading: false })
      wx.showToast({ title: errorText(err), icon: 'none' })
    })
  },

  showOrder(order) {
    this.setData({
      order,
      amountText: formatPrice(order.amount),
      statusText: orderStatusText(order.status),
      createdText: formatTime(order.createdAt),
      paidText: formatTime(order.paidAt),
      loading: false
    })
  },

  payOrder() {
    if (this.data.busy) return
    this.setData({ busy: true })
    const id = this.data.orderId
    post('/api/orders/' + id + '/pay', {}).then((res) => requestPayment(res.payment)).then((status) => {
      if (status === 'paid') {
        wx.showToast({ title: '支付成功', icon: 'success' })
        reward('purchase', id)
        this.rechecks = RECHECK_TIMES
      } else {
        wx.showToast({ title: '支付已取消', icon: 'none' })
      }
    }, (err) => {
      if (err.statusCode !== undefined) wx.showToast({ title: errorText(err), icon: 'none' })
      else showPayFailed(err)
    }).then(() => {
      this.setData({ busy: false })
      return this.loadOrder()
    })
  },

  cancelOrder() {
    this.confirmThen('取消订单', '确定取消这个订单吗？', '/cancel', {}, '已取消')
  },

  refundOrder() {
    this.confirmThen('申请退款', '款项将原路退回，确定申请退款吗？', '/refund', { reason: '用户申请退款' }, '已提交')
  },

  confirmReceipt() {
    this.confirmThen('确认收货', '确认已经收到商品了吗？', '/confirm', {}, '已收货')
  },

  // showModal (confirm) -> POST /api/orders/{id}{action} -> updated Order
  confirmThen(title, content, action, body, doneText) {
    if (this.data.busy) return
    wx.showModal({
      title,
      content,
      confirmText: '确定',
      cancelText: '再想想',
      success: (res) => {
        if (!res.confirm) return
        this.setData({ busy: true })
        post('/api/orders/' + this.data.orderId + action, body).then((order) => {
          this.showOrder(order)
          wx.showToast({ title: doneText, icon: 'success' })
        }, (err) => {
          wx.showToast({ title: errorText(err), icon: 'none' })
        }).then(() => this.setData({ busy: false }))
      }
    })
  },

  goGroup() {
    nav.open('/pages/group-buy/group-buy?groupId=' + this.data.order.groupId)
  },

  goProduct() {
    nav.open('/pages/product/detail?id=' + this.data.order.productId)
  }
})
