// Order detail: pay again (new prepay from the server), cancel, refund, confirm receipt.
// Query: id (required), from ('pay' right after a payment: re-check until the notification lands)
const { get, post, errorText } = require('../../utils/request.js')
const { formatPrice, formatTime, orderStatusText } = require('../../utils/format.js')
const { requestPayment, showPayFailed } = require('../../utils/pay.js')
const { reward, takePurchaseReport } = require('../../utils/reward.js')
const { PurchaseWatch } = require('../../utils/purchase-watch.js')
const nav = require('../../utils/nav.js')

// The server marks the order paid, and awards the purchase points, when WeChat Pay's notification
// arrives, which can be late (WeChat Pay retries a failed one 15 s later): right after a payment the page
// re-checks with backoff, 1 + 2 + 4 + 8 + 16 s, while it is shown, then leaves it to the next visit
// (utils/purchase-watch.js keeps the count and reports the purchase again once it is paid).
const PAID = ['paid', 'shipped', 'completed']
const CONFIRMING_TEXT = '支付确认中'

Page({
  data: {
    orderId: '',
    order: null,
    amountText: '',
    statusText: '',
    createdText: '',
    paidText: '',
    confirming: false,   // paid in the app, the server has not seen WeChat Pay's notification yet
    rewardNote: '',      // the purchase points: waiting for them, or what this order earned
    busy: false,
    loading: true
  },

  onLoad(options) {
    const orderId = decodeURIComponent(options.id || '')
    this.setData({ orderId })
    this.timer = null
    this.paused = false
    this.unloaded = false
    this.watch = null   // a payment made right before (from=pay) or on this page, until the server has it
    // the page that paid reported the purchase: its answer says whether the points are still to come
    if (options.from === 'pay') this.watchPurchase(takePurchaseReport(orderId))
    this.refresh()
  },

  onShow() {
    // back from another page while re-checking: look now, the backoff goes on where it stopped
    if (!this.paused) return
    this.paused = false
    this.refresh()
  },

  onHide() {
    this.stopRechecks()
    this.paused = !!this.watch && this.watch.waiting()
  },

  onUnload() {
    this.stopRechecks()
    this.unloaded = true
    if (this.watch) this.watch.end()
  },

  stopRechecks() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  },

  refresh() {
    return this.loadOrder().then(() => this.afterCheck())
  },

  loadOrder() {
    return get('/api/orders/' + this.data.orderId).then((order) => {
      if (this.unloaded) return
      this.showOrder(order)
    }, (err) => {
      if (this.unloaded) return
      this.setData({ loading: false })
      wx.showToast({ title: errorText(err), icon: 'none' })
    })
  },

  // report: a Promise of this payment's purchase report, or null
  watchPurchase(report) {
    if (this.watch) this.watch.end()
    this.watch = new PurchaseWatch(this.data.orderId, {
      onNote: (rewardNote) => this.setData({ rewardNote }),
      onPending: () => this.afterCheck()   // paid meanwhile: claim now; otherwise the re-checks go on
    })
    this.watch.follow(report)
  },

  // After each look at the order: once it is paid, the watch reports the purchase again (the server
  // answers the points it awarded with the payment, and reward() celebrates them); until then, look again.
  afterCheck() {
    const watch = this.watch
    if (this.unloaded || this.paused || !watch) return
    const order = this.data.order
    if (order && order.status !== 'created') {
      watch.seen(PAID.indexOf(order.status) >= 0 ? 'paid' : 'over')
      return
    }
    if (order) watch.seen('unpaid')
    if (!watch.waiting() || this.timer) return
    const delay = watch.nextDelay()
    if (!delay) {
      // Still unconfirmed: stop asking. The points follow the payment on the server all the same.
      if (order) this.showOrder(order)
      return
    }
    this.timer = setTimeout(() => {
      this.timer = null
      this.refresh()
    }, delay)
  },

  showOrder(order) {
    const confirming = order.status === 'created' && !!this.watch && this.watch.confirming()
    this.setData({
      order,
      confirming,
      amountText: formatPrice(order.amount),
      statusText: confirming ? CONFIRMING_TEXT : orderStatusText(order.status),
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
        this.watchPurchase(reward('purchase', id))
      } else {
        wx.showToast({ title: '支付已取消', icon: 'none' })
      }
    }, (err) => {
      if (err.statusCode !== undefined) wx.showToast({ title: errorText(err), icon: 'none' })
      else showPayFailed(err)
    }).then(() => {
      this.setData({ busy: false })
      return this.refresh()
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
