// Group buy: members (<member-list>), countdown to endTime (<countdown>), join + pay, pay a pending
// membership, share. The countdown component ticks only while the page is shown and tells the page when
// the time is up (bind:end).
// While the page is shown and the group open, it asks the server again every 5 s, so others joining and
// paying show up without a refresh (a mini program has no push for this; polling stops when hidden).
// Right after paying for my slot (here, or on the product page: from=pay&orderId=) the server may not have
// WeChat Pay's notification yet: my slot shows as confirming, the poll comes sooner (1, 2, 4, 8, 16 s, see
// utils/purchase-watch.js) and once the slot is paid the purchase is reported again, so its level-up and
// badges still show, once.
// Query: groupId (required), ref (referral code of the sharer), from ('pay') and orderId (the order paid).
// Written with ES module imports (compiled to CommonJS by WeChat's "es6" build setting).
import format from '../../utils/format'
import share from '../../utils/share'
import { get, post, errorText } from '../../utils/request'
import { payWithFeedback } from '../../utils/pay'
import { takePurchaseReport } from '../../utils/reward'
import { PurchaseWatch } from '../../utils/purchase-watch'
import { referral as trackReferral } from '../../utils/track'
import { getUserId } from '../../utils/auth'

const POLL_MS = 5000

const JOIN_ERRORS = {
  group_full: '拼团已满',
  already_joined: '你已在团中',
  group_closed: '拼团已结束',
  already_in_group: '你已有进行中的团'
}

function mySlot(group) {
  const me = String(getUserId())
  return (group.participants || []).filter((p) => String(p.userId) === me)[0]
}

// My slot as the server has it: 'paid', 'unpaid' (still payable) or 'over' (the group closed without it).
function slotState(group) {
  const mine = mySlot(group)
  if (mine && mine.paid) return 'paid'
  return mine && group.status === 'open' ? 'unpaid' : 'over'
}

Page({
  data: {
    groupId: '',
    group: null,
    participants: [],
    emptySlots: [],
    status: '',
    priceText: '',
    isMember: false,
    needPay: false,
    confirming: false,   // I paid in the app, the server has not seen WeChat Pay's notification yet
    rewardNote: '',      // the purchase points of my slot: waiting for them, or what it earned
    canJoin: false,
    busy: false,
    loading: true
  },

  onLoad(options) {
    this.setData({ groupId: decodeURIComponent(options.groupId || '') })
    if (options.ref) trackReferral(decodeURIComponent(options.ref))
    this.pollTimer = null
    this.notified = {}   // which status modal was already shown
    this.watch = null    // my slot's payment, until the server has it
    const orderId = decodeURIComponent(options.orderId || '')
    // the product page paid and reported the purchase: its answer says whether the points are still to come
    if (options.from === 'pay' && orderId) this.watchPurchase(orderId)
    this.refresh()
  },

  onShow() {
    this.hidden = false
    if (this.shownOnce) this.refresh() // (the countdown restarts from Date.now() on its own)
    this.shownOnce = true
  },

  onHide() {
    this.hidden = true
    this.stopPolling() // no polling (and no ticking: <countdown> pauses) while another page covers this one
  },

  onPullDownRefresh() {
    this.refresh().then(() => wx.stopPullDownRefresh())
  },

  onUnload() {
    this.unloaded = true
    this.stopPolling()
    if (this.watch) this.watch.end()
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
    }, this.nextPollDelay())
  },

  // Every 5 s; sooner while my payment confirms (the watch's backoff, in steps of at most 5 s).
  nextPollDelay() {
    const watch = this.watch
    if (!watch || !watch.waiting()) return POLL_MS
    const delay = watch.nextDelay(POLL_MS)
    if (delay) return delay
    // Still unconfirmed after the backoff: show the slot as the server has it (the points follow the
    // payment on the server all the same); the usual poll goes on.
    if (this.data.group) this.setData(this.membershipView(this.data.group))
    return POLL_MS
  },

  // A payment of my slot made here or on the product page (which reported the purchase).
  watchPurchase(orderId) {
    if (this.watch) this.watch.end()
    this.watch = new PurchaseWatch(orderId, {
      onNote: (rewardNote) => this.setData({ rewardNote }),
      onPending: () => {
        // paid meanwhile: claim now; otherwise the looks go on
        if (this.data.group) this.seePurchase(this.data.group)
        this.schedulePoll()
      }
    })
    this.watch.follow(takePurchaseReport(orderId))
    this.stopPolling()   // the next look comes with the backoff, not in 5 s
  },

  // Tell the watch what a look at the group found: once my slot is paid it reports the purchase again (and
  // reward() celebrates the points). Not while hidden: onShow looks again first.
  seePurchase(group) {
    if (this.watch && !this.unloaded && !this.hidden) this.watch.seen(slotState(group))
  },

  stopPolling() {
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.pollTimer = null
  },

  applyGroup(group) {
    this.seePurchase(group)
    this.setData(Object.assign({
      group,
      status: group.status,
      priceText: format.formatPrice(group.price),
      loading: false
    }, this.membershipView(group)))
    if (group.status === 'open') {
      this.schedulePoll()
    } else {
      this.stopPolling()   // <countdown> is only rendered while the group is open
      if (group.status === 'complete') this.notifyComplete()
      if (group.status === 'failed') this.notifyFailed()
    }
  },

  // Members, empty slots and what I can do; my slot shows as confirming while my payment is on its way.
  membershipView(group) {
    const mine = mySlot(group)
    const confirming = !!mine && !mine.paid && !!this.watch && this.watch.confirming()
    const participants = (group.participants || []).map((p) => (p === mine && confirming
      ? Object.assign({}, p, { confirming: true }) : p))
    const missing = Math.max(0, group.maxParticipants - participants.length)
    const open = group.status === 'open' && !this.expiredLocally
    return {
      participants,
      emptySlots: Array.from({ length: missing }, (_, i) => i),
      isMember: !!mine,
      confirming,
      needPay: !!mine && !mine.paid && open && !confirming,
      canJoin: !mine && open && missing > 0
    }
  },

  // <countdown> ran out (once per endTime): the group failed here; the server closes it and refunds the
  // paid members when asked. Once expired locally, wait for the server to close the group (no loop).
  onCountdownEnd() {
    if (this.unloaded || !this.data.group || this.expiredLocally) return
    this.expiredLocally = true
    this.setData({ canJoin: false, needPay: false })
    this.notifyFailed()
    this.refresh()
  },

  // <member-list>: a member's avatar was tapped: who is it
  onMemberTap(e) {
    const { nickname, index } = e.detail
    wx.showToast({ title: index === 0 ? nickname + '（团长）' : nickname, icon: 'none' })
  },

  // <member-list>: a free place was tapped: take it if I can, else ask to invite friends
  onSlotTap() {
    if (this.data.canJoin) return this.joinGroup()
    wx.showToast({ title: '邀请好友来参团吧', icon: 'none' })
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
      return this.paySlot(res)
    }, (err) => {
      wx.hideLoading()
      wx.showToast({ title: JOIN_ERRORS[err.code] || errorText(err), icon: 'none' })
    }).then(() => this.finishAction())
  },

  payMembership() {
    if (this.data.busy || !this.data.needPay) return
    this.setData({ busy: true })
    post('/api/group-buy/' + this.data.groupId + '/payment', {}).then((res) => this.paySlot(res), (err) => {
      wx.showToast({ title: errorText(err), icon: 'none' })
    }).then(() => this.finishAction())
  },

  // res: the server's {payment, order} for my slot. Paid: follow the purchase until the server has it.
  paySlot(res) {
    const orderId = res.order && res.order.id
    return payWithFeedback(res.payment, orderId).then((status) => {
      if (status === 'paid' && orderId && !this.unloaded) this.watchPurchase(orderId)
    })
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
