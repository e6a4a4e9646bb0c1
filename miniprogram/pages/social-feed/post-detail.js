// One post (the target of a shared post card). Query: id (required), ref, from.
const { get, post, errorText } = require('../../utils/request.js')
const { formatTime } = require('../../utils/format.js')
const { reward } = require('../../utils/reward.js')
const track = require('../../utils/track.js')
const share = require('../../utils/share.js').default

Page({
  data: {
    postId: '',
    post: null,
    timeText: '',
    product: null,
    comments: [],
    loading: true
  },

  onLoad(options) {
    this.setData({ postId: decodeURIComponent(options.id || '') })
    if (options.ref) track.referral(decodeURIComponent(options.ref))
    wx.showShareMenu({ menus: ['shareAppMessage', 'shareTimeline'], fail: () => {} })
    this.loadPost()
  },

  onShow() {
    if (this.shownOnce) this.loadComments() // back from the comments page
    this.shownOnce = true
  },

  loadPost() {
    return get('/api/social-feed/' + this.data.postId).then((p) => {
      this.setData({ post: p, timeText: formatTime(p.createdAt), loading: false })
      if (p.productId) this.loadProduct(p.productId)
      this.loadComments()
    }, (err) => {
      this.setData({ loading: false })
      wx.showToast({ title: errorText(err), icon: 'none' })
    })
  },

  loadProduct(id) {
    get('/api/products/' + id, undefined, { auth: false }).then((product) => {
      this.setData({ product })   // <product-card> formats its price
    }, () => {})
  },

  loadComments() {
    return get('/api/social-feed/' + this.data.postId + '/comments').then((res) => {
      const comments = (res.comments || []).slice(0, 3).map((c) => Object.assign({}, c, { timeText: formatTime(c.createdAt) }))
      this.setData({ comments })
    }, () => {})
  },

  onLikePost() {
    if (this.liking || !this.data.post) return
    this.liking = true
    post('/api/social-feed/' + this.data.postId + '/like', {}).then((res) => {
      this.setData({ 'post.liked': res.liked, 'post.likeCount': res.likeCount })
      if (res.liked) reward('like', this.data.postId)
    }, (err) => {
      wx.showToast({ title: errorText(err), icon: 'none' })
    }).then(() => {
      this.liking = false
    })
  },

  onCommentPost() {
    wx.navigateTo({ url: '/pages/social-feed/comments?postId=' + this.data.postId })
  },

  onProductTap() {
    wx.navigateTo({ url: '/pages/product/detail?id=' + this.data.post.productId + '&from=post' })
  },

  onShareAppMessage() {
    const p = this.data.post || {}
    const id = this.data.postId
    post('/api/social-feed/' + id + '/share', {}).then((res) => {
      this.setData({ 'post.shareCount': res.shareCount })
    }, () => {})
    share.afterShare({ postId: id, platform: 'chat' })
    return share.withReferral((code) => ({
      title: (p.content || '').slice(0, 30) || '分享一条好物动态',
      path: share.buildPath('/pages/social-feed/post-detail', { id, ref: code, from: 'share' }),
      imageUrl: (p.images && p.images[0]) || ''
    }))
  },

  onShareTimeline() {
    const p = this.data.post || {}
    share.afterShare({ postId: this.data.postId, platform: 'moments' })
    return {
      title: (p.content || '').slice(0, 30),
      query: share.buildQuery({ id: this.data.postId, ref: share.cachedReferralCode(), from: 'timeline' })
    }
  }
})
