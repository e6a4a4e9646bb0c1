// Live room: stream info + products over HTTP, comments / viewer count / highlights over a
// SocketTask. Query: streamId (required), ref (sharer's referral code).
const env = require('../../config/env.js')
const auth = require('../../utils/auth.js')
const { get, errorText } = require('../../utils/request.js')
const track = require('../../utils/track.js')
const share = require('../../utils/share.js').default

const MAX_COMMENTS = 100
const HIGHLIGHT_MS = 5000
const MAX_RECONNECTS = 3
// The server's `error` frames carry an English `message` for developers; users read these.
const SOCKET_ERRORS = {
  rate_limited: '发言太快了，稍后再试',
  moderated: '评论含有违规内容',
  not_live: '直播尚未开始'
}

Page({
  data: {
    streamId: '',
    stream: null,
    products: [],
    highlightId: '',
    comments: [],
    lastCommentId: '',
    viewerCount: 0,
    isLive: false,
    ended: false,
    connected: false,
    commentInput: ''
  },

  onLoad(options) {
    this.setData({ streamId: decodeURIComponent(options.streamId || '') })
    if (options.ref) track.referral(decodeURIComponent(options.ref))
    this.socketTask = null
    this.highlightTimer = null
    this.reconnectTimer = null
    this.reconnects = 0
    this.leaving = false
    this.loadStream().then((ok) => {
      if (ok && !this.data.ended) auth.ensureLogin().then(() => this.connect(), () => {})
    })
  },

  onUnload() {
    this.leaving = true
    if (this.highlightTimer) clearTimeout(this.highlightTimer)
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.highlightTimer = null
    this.reconnectTimer = null
    if (this.socketTask) this.socketTask.close({ code: 1000, reason: 'leave' })
    this.socketTask = null
  },

  loadStream() {
    return get('/api/live-stream/' + this.data.streamId).then((res) => {
      const stream = res.stream
      wx.setNavigationBarTitle({ title: stream.title || '直播间' })
      this.setData({
        stream,
        products: (res.products || []).map((p) => Object.assign({}, p, {
          highlighted: false
        })),
        viewerCount: stream.viewerCount || 0,
        isLive: stream.status === 'live',
        ended: stream.status === 'ended'
      })
      return true
    }, (err) => {
      wx.showToast({ title: errorText(err), icon: 'none' })
      return false
    })
  },

  connect() {
    if (this.leaving) return
    const url = env.wsBase + '/api/live-stream/' + this.data.streamId +
      '/ws?token=' + encodeURIComponent(auth.getToken())
    const task = wx.connectSocket({ url })
    this.socketTask = task
    task.onOpen(() => {
      this.reconnects = 0
      this.setData({ connected: true })
    })
    task.onMessage((res) => {
      let msg = null
      try {
        msg = JSON.parse(res.data)
      } catch (e) {
        return
      }
      this.handleMessage(msg)
    })
    task.onError((err) => {
      console.warn('[live] socket error: ' + err.errMsg)
    })
    task.onClose(() => {
      if (this.socketTask !== task) return
      this.socketTask = null
      this.setData({ connected: false })
      if (!this.leaving && !this.data.ended) this.scheduleReconnect()
    })
  },

  scheduleReconnect() {
    if (this.reconnects >= MAX_RECONNECTS) {
      wx.showToast({ title: '连接已断开', icon: 'none' })
      return
    }
    this.reconnects += 1
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      this.connect()
    }, 1000 * this.reconnects)
  },

  handleMessage(msg) {
    switch (msg.type) {
      case 'comment':
        this.addComment(msg.comment)
        break
      case 'viewer_count':
        this.setData({ viewerCount: msg.count })
        break
      case 'product_highlight':
        this.highlightProduct(msg.productId)
        break
      case 'stream_end':
        this.handleStreamEnd()
        break
      case 'error':
        wx.showToast({ title: SOCKET_ERRORS[msg.error] || msg.message || '发送失败', icon: 'none' })
        break
      default:
        break
    }
  },

  addComment(comment) {
    if (!comment) return
    let comments = this.data.comments.concat([comment])
    if (comments.length > MAX_COMMENTS) comments = comments.slice(comments.length - MAX_COMMENTS)
    this.setData({ comments, lastCommentId: 'c-' + comment.id })
  },

  highlightProduct(productId) {
    const mark = (id) => this.data.products.map((p) => Object.assign({}, p, { highlighted: p.id === id }))
    this.setData({ highlightId: productId, products: mark(productId) })
    if (this.highlightTimer) clearTimeout(this.highlightTimer)
    this.highlightTimer = setTimeout(() => {
      this.highlightTimer = null
      this.setData({ highlightId: '', products: mark(null) })
    }, HIGHLIGHT_MS)
  },

  handleStreamEnd() {
    if (this.data.ended) return
    this.setData({ isLive: false, ended: true })
    if (this.socketTask) this.socketTask.close({ code: 1000, reason: 'stream end' })
    wx.showModal({
      title: '直播已结束',
      content: '感谢观看，下次再见！',
      showCancel: false,
      confirmText: '返回',
      success: () => {
        wx.navigateBack({ fail: () => wx.switchTab({ url: '/pages/index/index' }) })
      }
    })
  },

  onCommentInput(e) {
    this.setData({ commentInput: e.detail.value })
  },

  // bindconfirm on the input (e.detail.value is the text), or the send button (uses commentInput)
  sendComment(e) {
    const value = e && e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.commentInput
    const content = (value || '').trim()
    if (!content) return
    if (!this.socketTask || !this.data.connected) {
      wx.showToast({ title: '正在连接', icon: 'none' })
      return
    }
    this.socketTask.send({
      data: JSON.stringify({ type: 'comment', comment: { content } }),
      success: () => this.setData({ commentInput: '' }),
      fail: () => wx.showToast({ title: '发送失败', icon: 'none' })
    })
  },

  onProductTap(e) {
    const id = e.currentTarget.dataset.id
    track.productInterest(id, this.data.streamId)
    wx.navigateTo({ url: '/pages/product/detail?id=' + encodeURIComponent(id) + '&from=live' })
  },

  onShareAppMessage() {
    const s = this.data.stream || {}
    const result = share.withReferral((code) => ({
      title: (s.anchorName ? s.anchorName + '正在直播：' : '') + (s.title || '直播间'),
      path: share.buildPath('/pages/live-stream/live-stream', { streamId: this.data.streamId, ref: code }),
      imageUrl: s.coverImage || ''
    }))
    share.afterShare({ platform: 'chat' })
    return result
  }
})
