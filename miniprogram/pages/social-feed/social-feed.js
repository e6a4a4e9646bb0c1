// Social feed (tab): 10 posts per page, pull-down refresh, reach-bottom paging, like with an
// animation, share a post with <button open-type="share">, comments, create a post.
// Written with ES module imports (compiled to CommonJS by WeChat's "es6" build setting).
import format from '../../utils/format'
import share from '../../utils/share'
import { get, post, errorText } from '../../utils/request'
import { reward } from '../../utils/reward'

const PAGE_SIZE = 10

function decorate(p) {
  return Object.assign({}, p, { timeText: format.formatTime(p.createdAt) })
}

Page({
  data: {
    posts: [],
    page: 0,
    hasMore: true,
    loading: false,
    error: '',
    likeAnimId: '',
    likeAnimation: null,
    hearts: []
  },

  onLoad() {
    this.liking = {}
    this.heartTimers = []
    this.loadFeed(true)
  },

  onUnload() {
    this.heartTimers.forEach((t) => clearTimeout(t))
    this.heartTimers = []
  },

  onPullDownRefresh() {
    this.setData({ page: 0, hasMore: true })
    this.loadFeed(true).then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loading) this.loadFeed(false)
  },

  // Resolves when done; never rejects.
  loadFeed(reset) {
    const page = reset ? 1 : this.data.page + 1
    this.setData({ loading: true, error: '' })
    return get('/api/social-feed', { page, limit: PAGE_SIZE }).then((res) => {
      const items = (res.posts || []).map(decorate)
      this.setData({
        posts: reset ? items : this.data.posts.concat(items),
        page,
        hasMore: !!res.hasMore,
        loading: false
      })
    }, (err) => {
      this.setData({ loading: false, error: errorText(err) })
    })
  },

  indexOf(id, hint) {
    const i = Number(hint)
    const posts = this.data.posts
    if (posts[i] && posts[i].id === id) return i
    for (let k = 0; k < posts.length; k++) if (posts[k].id === id) return k
    return -1
  },

  onLikePost(e) {
    const { id, index } = e.currentTarget.dataset
    if (this.liking[id]) return
    this.liking[id] = true
    post('/api/social-feed/' + id + '/like', {}).then((res) => {
      const i = this.indexOf(id, index)
      if (i >= 0) {
        this.setData({
          ['posts[' + i + '].liked']: res.liked,
          ['posts[' + i + '].likeCount']: res.likeCount
        })
      }
      if (res.liked) {
        this.showLikeAnimation(id)
        reward('like', id)
      }
    }, (err) => {
      wx.showToast({ title: errorText(err), icon: 'none' })
    }).then(() => {
      this.liking[id] = false
    })
  },

  showLikeAnimation(id) {
    const animation = wx.createAnimation({ duration: 300, timingFunction: 'ease-out' })
    animation.scale(1.4).step()
    animation.scale(1).step()
    this.setData({ likeAnimId: id, likeAnimation: animation.export() })

    wx.createSelectorQuery().select('#like-' + id).boundingClientRect().exec((res) => {
      const rect = res && res[0]
      if (rect) this.floatHeart(rect)
    })
  },

  floatHeart(rect) {
    const heart = { id: Date.now() + '-' + Math.floor(Math.random() * 1000), x: rect.left + rect.width / 2, y: rect.top }
    this.setData({ hearts: this.data.hearts.concat([heart]) })
    const timer = setTimeout(() => {
      this.heartTimers = this.heartTimers.filter((t) => t !== timer)
      this.setData({ hearts: this.data.hearts.filter((h) => h.id !== heart.id) })
    }, 1000)
    this.heartTimers.push(timer)
  },

  onPostTap(e) {
    wx.navigateTo({ url: '/pages/social-feed/post-detail?id=' + e.currentTarget.dataset.id })
  },

  onCommentPost(e) {
    const { id, index } = e.currentTarget.dataset
    wx.navigateTo({
      url: '/pages/social-feed/comments?postId=' + id,
      events: {
        commented: () => {
          const i = this.indexOf(id, index)
          if (i >= 0) this.setData({ ['posts[' + i + '].commentCount']: (this.data.posts[i].commentCount || 0) + 1 })
        }
      }
    })
  },

  onCreatePost() {
    wx.navigateTo({
      url: '/pages/social-feed/create-post',
      events: {
        postCreated: () => {
          this.setData({ page: 0, hasMore: true })
          this.loadFeed(true)
        }
      }
    })
  },

  // from 'button': a post's share button (target.dataset has id/index); from 'menu': the feed
  onShareAppMessage({ from, target }) {
    const dataset = from === 'button' && target ? target.dataset || {} : {}
    if (!dataset.id) {
      share.afterShare({ platform: 'chat' })
      return share.withReferral((code) => ({
        title: '来看看大家都在买什么',
        path: share.buildPath('/pages/social-feed/social-feed', { ref: code, from: 'share' })
      }))
    }
    const id = dataset.id
    const i = this.indexOf(id, dataset.index)
    const p = i >= 0 ? this.data.posts[i] : { content: '' }
    this.trackPostShare(id, i)
    share.afterShare({ postId: id, platform: 'chat' })
    return share.withReferral((code) => ({
      title: (p.content || '').slice(0, 30) || '分享一条好物动态',
      path: share.buildPath('/pages/social-feed/post-detail', { id, ref: code, from: 'share' }),
      imageUrl: (p.images && p.images[0]) || ''
    }))
  },

  trackPostShare(id, i) {
    post('/api/social-feed/' + id + '/share', {}).then((res) => {
      if (i >= 0 && this.data.posts[i] && this.data.posts[i].id === id) {
        this.setData({ ['posts[' + i + '].shareCount']: res.shareCount })
      }
    }, () => {})
  }
})
