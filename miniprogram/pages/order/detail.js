// Order detail: pay again (new prepay from the server), cancel, refund, confirm receipt.
// Query: id (required), from ('pay' right after a payment: re-check until the notification lands)
const { get, post, errorText } = require('../../utils/request.js')
const { formatPrice, formatTime, orderStatusText } = require('../../utils/format.js')
const { requestPayment, showPayFailed } = require('../../utils/pay.js')
const { reward, takePurchaseReport } = require('../../utils/reward.js')
const nav = require('../../utils/nav.js')

// The server marks the order paid, and awards the purchase points, when WeChat Pay's notification
// arrives, which can be late (WeChat Pay retries a failed one 15 s later): right after a payment the page
// re-checks with backoff, 1 + 2 + 4 + 8 + 16 s, while it is shown, then leaves it to the next visit.
const RECHECK_DELAYS_MS = [1000, 2000, 4000, 8000, 16000]
const PAID = ['paid', 'shipped', 'completed']
const CONFIRMING_TEXT = '支付确认中'
const NOTE_WAITING = '已支付，积分确认中'
const NOTE_LATER = '支付结果确认中，积分将在确认后到账'

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
    this.attempt = 0
    this.paused = false
    this.unloaded = false
    this.awaitingPayment = options.from === 'pay'
    this.rewardPending = false   // the purchase report answered pending_payment: report again once paid
    this.refresh()
    // the page that paid reported the purchase: its answer says whether the points are still to come
    if (this.awaitingPayment) this.followReport(takePurchaseReport(orderId))
  },

  onShow() {
    // back from another page while re-checking: look now, the backoff goes on where it stopped
    if (!this.paused) return
    this.paused = false
    this.refresh()
  },

  onHide() {
    this.stopRechecks()
    this.paused = this.awaitingPayment || this.rewardPending
  },

  onUnload() {
    this.stopRechecks()
    this.unloaded = true
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

  // After each look at the order: once it is paid, report the purchase again (the server answers the
  // points it awarded with the payment, and reward() celebrates them); until then, look again later.
  afterCheck() {
    if (this.unloaded || this.paused) return
    const order = this.data.order
    if (order && order.status !== 'created') {
      this.awaitingPayment = false
      if (this.rewardPending) {
        this.rewardPending = false
        if (PAID.indexOf(order.status) >= 0) this.claimReward()
        else this.setData({ rewardNote: '' })
      }
      return
    }
    if (!this.awaitingPayment && !this.rewardPending) return
    if (this.timer) return
    if (this.attempt >= RECHECK_DELAYS_MS.length) {
      // Still unconfirmed: stop asking. The points follow the payment on the server all the same.
      this.awaitingPayment = false
      if (this.rewardPending) this.setData({ rewardNote: NOTE_LATER })
      this.rewardPending = false
      if (order) this.showOrder(order)
      return
    }
    const delay = RECHECK_DELAYS_MS[this.attempt]
    this.attempt += 1
    this.timer = setTimeout(() => {
      this.timer = null
      this.refresh()
    }, delay)
  },

  // report: a Promise of the purchase report's answer (reward() never rejects), or null
  followReport(report) {
    if (!report) return
    report.then((result) => {
      if (this.unloaded) return
      if (result && result.reason === 'pending_payment') {
        this.rewardPending = true
        this.setData({ rewardNote: NOTE_WAITING })
        this.afterCheck()   // paid meanwhile: claim now; otherwise the re-checks go on
      } else {
        this.showReward(result)
      }
    })
  },

  claimReward() {
    reward('purchase', this.data.orderId).then((result) => {
      if (!this.unloaded) this.showReward(result)
    })
  },

  showReward(result) {
    this.setData({ rewardNote: result && result.awarded ? '本单获得 ' + result.points + ' 积分' : '' })
  },

  showOrder(order) {
    const confirming = order.status === 'created' && this.awaitingPayment
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
        this.awaitingPayment = true
        this.attempt = 0
        this.followReport(reward('purchase', id))
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
