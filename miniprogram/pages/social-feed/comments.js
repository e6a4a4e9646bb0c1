// Comments of a post, and a box to add one. Query: postId (required).
// Tells the opener (the feed) through the EventChannel when a comment was added.
const { get, post, errorText } = require('../../utils/request.js')
const { formatTime } = require('../../utils/format.js')
const { reward } = require('../../utils/reward.js')

const MAX_LENGTH = 500

Page({
  data: {
    postId: '',
    comments: [],
    draft: '',
    loading: true,
    submitting: false
  },

  onLoad(options) {
    this.setData({ postId: decodeURIComponent(options.postId || '') })
    this.loadComments()
  },

  loadComments() {
    return get('/api/social-feed/' + this.data.postId + '/comments').then((res) => {
      const comments = (res.comments || []).map((c) => Object.assign({}, c, { timeText: formatTime(c.createdAt) }))
      this.setData({ comments, loading: false })
    }, (err) => {
      this.setData({ loading: false })
      wx.showToast({ title: errorText(err), icon: 'none' })
    })
  },

  onInput(e) {
    this.setData({ draft: e.detail.value })
  },

  // bindconfirm on the input passes e.detail.value; the send button uses the draft
  submitComment(e) {
    const value = e && e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.draft
    const content = (value || '').trim()
    if (!content || this.data.submitting) {
      if (!content) wx.showToast({ title: '写点什么吧', icon: 'none' })
      return
    }
    if (content.length > MAX_LENGTH) {
      wx.showToast({ title: '评论太长了', icon: 'none' })
      return
    }
    this.setData({ submitting: true })
    post('/api/social-feed/' + this.data.postId + '/comments', { content }).then((comment) => {
      const item = Object.assign({}, comment, { timeText: formatTime(comment.createdAt) })
      this.setData({ comments: [item].concat(this.data.comments), draft: '' })
      wx.showToast({ title: '已发布', icon: 'success' })
      this.notifyOpener()
      reward('comment', this.data.postId)
    }, (err) => {
      wx.showToast({ title: errorText(err), icon: 'none' })
    }).then(() => this.setData({ submitting: false }))
  },

  notifyOpener() {
    const channel = this.getOpenerEventChannel && this.getOpenerEventChannel()
    if (channel && channel.emit) channel.emit('commented', { postId: this.data.postId })
  }
})
