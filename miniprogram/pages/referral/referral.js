// Referral centre: my code, share link, referred users, commissions (computed by the server).
const { get, errorText } = require('../../utils/request.js')
const { formatPrice, formatTime } = require('../../utils/format.js')
const share = require('../../utils/share.js').default

const COMMISSION_STATUS = { pending: '待结算', settled: '已结算', clawed_back: '已扣回', clawedBack: '已扣回' }

Page({
  data: {
    referralCode: '',
    referredUsers: [],
    commissions: { pendingText: '¥0.00', settledText: '¥0.00', clawedBackText: '¥0.00' },
    items: [],
    loading: true,
    error: ''
  },

  onLoad() {
    wx.showShareMenu({ menus: ['shareAppMessage'], fail: () => {} })
    this.load()
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  load() {
    this.setData({ error: '' })
    return Promise.all([share.getReferralCode(), get('/api/referral/summary')]).then(([code, summary]) => {
      const c = summary.commissions || {}
      this.setData({
        referralCode: code || summary.referralCode,
        referredUsers: (summary.referredUsers || []).map((u) => Object.assign({}, u, { boundText: formatTime(u.boundAt) })),
        commissions: {
          pendingText: formatPrice(c.pending || 0),
          settledText: formatPrice(c.settled || 0),
          clawedBackText: formatPrice(c.clawedBack || 0)
        },
        items: (summary.items || []).map((it) => Object.assign({}, it, {
          amountText: formatPrice(it.commission !== undefined ? it.commission : it.amount),
          statusText: COMMISSION_STATUS[it.status] || it.status || ''
        })),
        loading: false
      })
    }, (err) => {
      this.setData({ loading: false, error: errorText(err) })
    })
  },

  copyCode() {
    if (!this.data.referralCode) return
    // WeChat itself shows the "内容已复制" toast on success
    wx.setClipboardData({ data: this.data.referralCode })
  },

  onShareAppMessage() {
    share.afterShare({ platform: 'chat' })
    return share.withReferral((code) => ({
      title: '送你一份拼团优惠，一起买更便宜',
      path: share.buildPath('/pages/index/index', { ref: code, from: 'referral' })
    }))
  }
})
