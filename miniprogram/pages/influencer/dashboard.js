// Influencer dashboard: lifetime metrics and the 30-day social report, both computed by the
// server from recorded events.
const { get, errorText } = require('../../utils/request.js')
const { formatPrice, formatPercent } = require('../../utils/format.js')
const auth = require('../../utils/auth.js')

const TOTAL_LABELS = {
  shares: '分享', likes: '点赞', likesGiven: '点赞', likesReceived: '获赞', comments: '评论', posts: '动态',
  referrals: '邀请', orders: '订单', groupsJoined: '参团', commissions: '佣金'
}

function numericFields(obj) {
  return Object.keys(obj || {})
    .filter((k) => typeof obj[k] === 'number')
    .map((k) => ({ key: k, label: TOTAL_LABELS[k] || k, value: k === 'commissions' ? formatPrice(obj[k]) : obj[k] }))
}

Page({
  data: {
    metrics: null,
    conversionText: '0%',
    commissionsText: '¥0.00',
    topProducts: [],
    report: null,
    totals: [],
    daily: [],
    loading: true,
    error: ''
  },

  onLoad() {
    getApp().ready.then(() => this.load(), () => this.load())
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  load() {
    const userId = auth.getUserId()
    return Promise.all([
      get('/api/analytics/influencer-metrics/' + userId),
      get('/api/analytics/social-report/' + userId, { period: '30d' })
    ]).then(([metrics, report]) => {
      const daily = (report.daily || []).map((d) => ({
        date: d.date || d.day || '',
        fields: numericFields(d)
      }))
      this.setData({
        metrics,
        conversionText: formatPercent(metrics.conversionRate),
        commissionsText: formatPrice(metrics.totalCommissions || 0),
        topProducts: (metrics.topProducts || []).map((p, i) => Object.assign({ rank: i + 1 }, p)),
        report,
        totals: numericFields(report.totals),
        daily,
        loading: false,
        error: ''
      })
    }, (err) => {
      this.setData({ loading: false, error: errorText(err) })
    })
  },

  onProductTap(e) {
    const id = e.currentTarget.dataset.id
    if (id) wx.navigateTo({ url: '/pages/product/detail?id=' + id + '&from=dashboard' })
  }
})
