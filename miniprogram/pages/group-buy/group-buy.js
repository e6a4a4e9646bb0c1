// Group buy: members, countdown to endTime, join + pay, pay a pending membership, share.
// While the page is shown and the group open, it asks the server again every 5 s, so others joining and
// paying show up without a refresh (a mini program has no push for this; polling stops when hidden).
// Query: groupId (required), ref (referral code of the sharer).
// Written with ES module imports (compiled to CommonJS by WeChat's "es6" build setting).
import format from '../../utils/format'
import share from '../../utils/share'
import { get, post, errorText } from '../../utils/request'
import { payWithFeedback } from '../../utils/pay'
import { referral as trackReferral } from '../../utils/track'
import { getUserId } from '../../utils/auth'

const POLL_MS = 5000

const JOIN_ERRORS = {
  group_full: '拼团已满',
  already_joined: '你已在团中',
  group_closed: '拼团已结束',
  already_in_group: '你已有进行中的团'
}

Page({
  data: {
    groupId: '',
    group: null,
    participants: [],
    emptySlots: [],
    status: '',
    priceText: '',
    timeLeft: 0,
    countdownText: '',
    isMember: false,
    needPay: false,
    canJoin: false,
    busy: false,
    loading: true
  },

  onLoad(options) {
    this.setData({ groupId: decodeURIComponent(options.groupId || '') })
    if (options.ref) trackReferral(decodeURIComponent(options.ref))
    this.timer = null
    this.pollTimer = null
    this.notified = {}   // which status modal was already shown
    this.refresh()
  },

  onShow() {
    this.hidden = false
    if (this.shownOnce) this.refresh() // restarts the countdown from Date.now()
    this.shownOnce = true
  },

  onHide() {
    this.hidden = true
    this.stopCountdown() // no ticking (and no polling) while another page covers this one
    this.stopPolling()
  },

  onPullDownRefresh() {
    this.refresh().then(() => wx.stopPullDownRefresh())
  },

  onUnload() {
    this.unloaded = true
    this.stopCountdown()
    this.stopPolling()
  },

  // also the 刷新 button's handler (its tap event is ignored)
  refresh() {
    return this.load(false)
  },

  // quiet: a background poll, whose failures wait for the next poll instead of showing a toast
  load(quiet) {
    return get('/api/group-buy/' + this.data.groupId).then((group) => {
      if (this.unloaded) return
      this.applyGroup(group)
    }, (err) => {
      if (this.unloaded) return
      this.setData({ loading: false })
      if (!quiet) wx.showToast({ title: errorText(err), icon: 'none' })
    })
  },

  // One poll at a time: the next is set only once the previous answer is in.
  schedulePoll() {
    if (this.pollTimer || this.unloaded || this.hidden) return
    if (this.data.status !== 'open' || this.expiredLocally) return
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null
      if (this.unloaded || this.hidden) return
      this.load(true).then(() => this.schedulePoll())
    }, POLL_MS)
  },

  stopPolling() {
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.pollTimer = null
  },

  applyGroup(group) {
    const me = String(getUserId())
    const participants = group.participants || []
    const mine = participants.filter((p) => String(p.userId) === me)[0]
    const missing = Math.max(0, group.maxParticipants - participants.length)
    const open = group.status === 'open' && !this.expiredLocally
    this.setData({
      group,
      participants,
      emptySlots: new Array(missing).fill(0),
      status: group.status,
      priceText: format.formatPrice(group.price),
      isMember: !!mine,
      needPay: !!mine && !mine.paid && open,
      canJoin: !mine && open && missing > 0,
      loading: false
    })
    if (group.status === 'open') {
      // once the countdown has hit zero, wait for the server to close the group (no loop)
      if (!this.expiredLocally && !this.hidden) this.startCountdown()
      this.schedulePoll()
    } else {
      this.stopCountdown()
      this.stopPolling()
      this.setData({ timeLeft: 0, countdownText: format.formatCountdown(0) })
      if (group.status === 'complete') this.notifyComplete()
      if (group.status === 'failed') this.notifyFailed()
    }
  },

  startCountdown() {
    this.stopCountdown()
    this.tick()
  },

  stopCountdown() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  },

  // Recomputed from endTime and Date.now() every second, so it never drifts.
  tick() {
    this.timer = null
    if (this.unloaded || !this.data.group) return
    const timeLeft = Math.max(0, format.toMs(this.data.group.endTime) - Date.now())
    this.setData({ timeLeft, countdownText: format.formatCountdown(timeLeft) })
    if (timeLeft > 0) {
      this.timer = setTimeout(() => this.tick(), 1000)
    } else {
      this.expiredLocally = true
      this.setData({ canJoin: false, needPay: false })
      this.notifyFailed()
      this.refresh()   // the server closes the group and refunds the paid members
    }
  },

  notifyComplete() {
    if (this.notified.complete) return
    this.notified.complete = true
    wx.showModal({ title: '拼团成功', content: '人已凑齐，商家将尽快发货', showCancel: false, confirmText: '好的' })
  },

  notifyFailed() {
    if (this.notified.failed) return
    this.notified.failed = true
    wx.showModal({ title: '拼团未成功', content: '拼团失败，款项将原路退回', showCancel: false, confirmText: '知道了' })
  },

  joinGroup() {
    if (this.data.busy || !this.data.canJoin) return
    this.setData({ busy: true })
    wx.showLoading({ title: '参团中', mask: true })
    post('/api/group-buy/' + this.data.groupId + '/join', {}).then((res) => {
      wx.hideLoading()
      if (res.group) this.applyGroup(res.group)
      return payWithFeedback(res.payment, res.order && res.order.id)
    }, (err) => {
      wx.hideLoading()
      wx.showToast({ title: JOIN_ERRORS[err.code] || errorText(err), icon: 'none' })
    }).then(() => this.finishAction())
  },

  payMembership() {
    if (this.data.busy || !this.data.needPay) return
    this.setData({ busy: true })
    post('/api/group-buy/' + this.data.groupId + '/payment', {}).then((res) => {
      return payWithFeedback(res.payment, res.order && res.order.id)
    }, (err) => {
      wx.showToast({ title: errorText(err), icon: 'none' })
    }).then(() => this.finishAction())
  },

  finishAction() {
    this.setData({ busy: false })
    return this.refresh()
  },

  onShareAppMessage() {
    const g = this.data.group || {}
    const missing = this.data.emptySlots.length
    const result = share.withReferral((code) => ({
      title: missing > 0 ? '就差' + missing + '人，一起拼' + (g.productName || '') : (g.productName || '好物拼团'),
      path: share.buildPath('/pages/group-buy/group-buy', { groupId: this.data.groupId, ref: code }),
      imageUrl: g.productImage || ''
    }))
    share.afterShare({ groupId: this.data.groupId, productId: g.productId, platform: 'chat' })
    return result
  }
})
