// Live rooms list.
const { get, errorText } = require('../../utils/request.js')

const STATUS_TEXT = { preview: '预告', live: '直播中', ended: '已结束' }

Page({
  data: {
    streams: [],
    loading: true,
    error: ''
  },

  onLoad() {
    this.loadStreams()
  },

  onPullDownRefresh() {
    this.loadStreams().then(() => wx.stopPullDownRefresh())
  },

  loadStreams() {
    this.setData({ loading: true, error: '' })
    return get('/api/live-stream').then((res) => {
      const streams = (res.streams || []).map((s) => Object.assign({}, s, {
        statusText: STATUS_TEXT[s.status] || s.status
      }))
      this.setData({ streams, loading: false })
    }, (err) => {
      this.setData({ loading: false, error: errorText(err) })
    })
  },

  openStream(e) {
    wx.navigateTo({ url: '/pages/live-stream/live-stream?streamId=' + e.currentTarget.dataset.id })
  }
})
