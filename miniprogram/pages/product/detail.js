// Product detail: buy alone, start a group, join an open group, share with my referral code.
// Query: id (required), ref (referral code of the sharer), from (share | timeline | live | ...)
const { get, post, errorText } = require('../../utils/request.js')
const { formatPrice, formatCountdown, toMs } = require('../../utils/format.js')
const { payWithFeedback } = require('../../utils/pay.js')
const track = require('../../utils/track.js')
const share = require('../../utils/share.js').default
const nav = require('../../utils/nav.js')

// The group page after paying for a slot (or not): a paid one tells it the order, whose purchase report
// (utils/reward.js) it follows until the server has WeChat Pay's notification and the points with it.
function groupPageUrl(groupId, orderId, status) {
  const url = '/pages/group-buy/group-buy?groupId=' + groupId
  return status === 'paid' ? url + '&from=pay&orderId=' + encodeURIComponent(orderId) : url
}

const GROUP_ERRORS = {
  group_full: '拼团已满',
  already_joined: '你已在团中',
  group_closed: '拼团已结束',
  already_in_group: '你已有进行中的团'
}

Page({
  data: {
    productId: '',
    from: '',
    product: null,
    priceText: '',
    groupPriceText: '',
    groups: [],
    loading: true,
    paying: false,
    error: ''
  },

  onLoad(options) {
    const productId = decodeURIComponent(options.id || '')
    this.setData({ productId, from: options.from || '' })
    if (options.ref) track.referral(decodeURIComponent(options.ref))
    wx.showShareMenu({
      withShareTicket: true,
      menus: ['shareAppMessage', 'shareTimeline'],
      fail: () => {}
    })
    this.loadProduct()
    this.loadGroups()
    share.getReferralCode().catch(() => {}) // warm the cache so share cards carry ref=
  },

  onShow() {
    // back from a group page: the open groups (and my own) have changed
    if (this.shownOnce) this.loadGroups()
    this.shownOnce = true
  },

  onPullDownRefresh() {
    Promise.all([this.loadProduct(), this.loadGroups()]).then(() => wx.stopPullDownRefresh())
  },

  loadProduct() {
    return get('/api/products/' + this.data.productId, undefined, { auth: false }).then((product) => {
      this.setData({
        product,
        priceText: formatPrice(product.price),
        groupPriceText: formatPrice(product.groupPrice),
        loading: false
      })
    }, (err) => {
      this.setData({ loading: false, error: errorText(err) })
    })
  },

  loadGroups() {
    return get('/api/group-buy', { productId: this.data.productId }).then((res) => {
      const now = Date.now()
      const groups = (res.groups || []).map((g) => ({
        id: g.id,
        creatorName: (g.participants[0] && g.participants[0].nickname) || '',
        missing: g.maxParticipants - g.participants.length,
        leftText: formatCountdown(toMs(g.endTime) - now)
      }))
      this.setData({ groups })
    }, () => {})
  },

  buyNow() {
    if (this.data.paying || !this.data.product) return
    this.setData({ paying: true })
    wx.showLoading({ title: '下单中', mask: true })
    post('/api/orders', { productId: this.data.productId, quantity: 1 }).then((res) => {
      wx.hideLoading()
      return payWithFeedback(res.payment, res.order.id).then((status) => {
        if (status === 'paid') {
          nav.open('/pages/order/detail?id=' + res.order.id + '&from=pay')
        }
      })
    }).catch((err) => this.showError(err)).then(() => this.setData({ paying: false }))
  },

  startGroup() {
    if (this.data.paying || !this.data.product) return
    this.setData({ paying: true })
    wx.showLoading({ title: '开团中', mask: true })
    post('/api/group-buy/create', { productId: this.data.productId }).then((res) => {
      wx.hideLoading()
      return payWithFeedback(res.payment, res.order.id).then((status) => {
        // paid or cancelled: the group page shows the members and lets the creator pay later
        nav.open(groupPageUrl(res.groupId, res.order.id, status))
      })
    }).catch((err) => this.showError(err)).then(() => this.setData({ paying: false }))
  },

  joinGroup(e) {
    const groupId = e.currentTarget.dataset.id
    if (this.data.paying || !groupId) return
    this.setData({ paying: true })
    wx.showLoading({ title: '参团中', mask: true })
    post('/api/group-buy/' + groupId + '/join', {}).then((res) => {
      wx.hideLoading()
      return payWithFeedback(res.payment, res.order.id).then((status) => {
        nav.open(groupPageUrl(groupId, res.order.id, status))
      })
    }).catch((err) => {
      if (err.code === 'already_joined') {
        wx.hideLoading()
        nav.open('/pages/group-buy/group-buy?groupId=' + groupId)
        return
      }
      this.showError(err)
      if (err.code === 'group_full' || err.code === 'group_closed') this.loadGroups()
    }).then(() => this.setData({ paying: false }))
  },

  showError(err) {
    wx.hideLoading()
    wx.showToast({ title: GROUP_ERRORS[err.code] || errorText(err), icon: 'none' })
  },

  shareContent(code) {
    const p = this.data.product || {}
    return {
      title: p.name ? p.name + '，拼团只要' + formatPrice(p.groupPrice) : '好物拼团',
      path: share.buildPath('/pages/product/detail', { id: this.data.productId, ref: code, from: 'share' }),
      imageUrl: p.image || ''
    }
  },

  onShareAppMessage() {
    const result = share.withReferral((code) => this.shareContent(code))
    share.afterShare({ productId: this.data.productId, platform: 'chat' })
    return result
  },

  onShareTimeline() {
    const p = this.data.product || {}
    share.afterShare({ productId: this.data.productId, platform: 'moments' })
    return {
      title: p.name || '好物拼团',
      query: share.buildQuery({ id: this.data.productId, ref: share.cachedReferralCode(), from: 'timeline' }),
      imageUrl: p.image || ''
    }
  }
})
