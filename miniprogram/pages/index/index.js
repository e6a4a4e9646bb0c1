// Home: product list, 10 per page; pull down to refresh, scroll to the bottom for more.
const { get, errorText } = require('../../utils/request.js')
const track = require('../../utils/track.js')
const share = require('../../utils/share.js').default

const PAGE_SIZE = 10

Page({
  data: {
    products: [],
    page: 0,
    hasMore: true,
    loading: false,
    error: ''
  },

  onLoad(options) {
    if (options.ref) track.referral(decodeURIComponent(options.ref))
    this.loadProducts(true)
  },

  onPullDownRefresh() {
    this.loadProducts(true).then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loading) this.loadProducts(false)
  },

  // Resolves when done; never rejects (errors are shown on the page).
  loadProducts(reset) {
    const page = reset ? 1 : this.data.page + 1
    this.setData({ loading: true, error: '' })
    return get('/api/products', { page, limit: PAGE_SIZE }, { auth: false }).then((res) => {
      const items = res.products || []   // <product-card> formats the prices (utils/format.wxs)
      this.setData({
        products: reset ? items : this.data.products.concat(items),
        page,
        hasMore: !!res.hasMore,
        loading: false
      })
    }, (err) => {
      this.setData({ loading: false, error: errorText(err) })
      wx.showToast({ title: '加载失败', icon: 'none' })
    })
  },

  onProductTap(e) {
    const id = e.currentTarget.dataset.id
    wx.navigateTo({ url: '/pages/product/detail?id=' + encodeURIComponent(id) })
  },

  goLive() {
    wx.navigateTo({ url: '/pages/live-stream/list' })
  },

  onShareAppMessage() {
    const result = share.withReferral((code) => ({
      title: '好物拼团，一起买更便宜',
      path: share.buildPath('/pages/index/index', { ref: code, from: 'share' })
    }))
    share.afterShare({ platform: 'chat' })
    return result
  }
})
