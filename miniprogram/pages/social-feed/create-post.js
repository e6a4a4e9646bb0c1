// Write a post. Query: productId (optional, attach a product). On success the opener (the
// feed) is told through the EventChannel ('postCreated') and the page goes back.
const { post, errorText } = require('../../utils/request.js')
const { reward } = require('../../utils/reward.js')

const MAX_LENGTH = 500

Page({
  data: {
    content: '',
    productId: '',
    length: 0,
    maxLength: MAX_LENGTH,
    submitting: false
  },

  onLoad(options) {
    if (options.productId) this.setData({ productId: decodeURIComponent(options.productId) })
  },

  onInput(e) {
    const content = e.detail.value || ''
    this.setData({ content, length: content.length })
  },

  submitPost() {
    const content = this.data.content.trim()
    if (!content) {
      wx.showToast({ title: '写点什么吧', icon: 'none' })
      return
    }
    if (this.data.submitting) return
    this.setData({ submitting: true })
    const body = { content }
    if (this.data.productId) body.productId = this.data.productId
    post('/api/social-feed', body).then((created) => {
      wx.showToast({ title: '发布成功', icon: 'success' })
      reward('post', created.id)
      const channel = this.getOpenerEventChannel && this.getOpenerEventChannel()
      if (channel && channel.emit) channel.emit('postCreated', created)
      wx.navigateBack({ fail: () => wx.switchTab({ url: '/pages/social-feed/social-feed' }) })
    }, (err) => {
      this.setData({ submitting: false })
      wx.showToast({ title: errorText(err), icon: 'none' })
    })
  }
})
