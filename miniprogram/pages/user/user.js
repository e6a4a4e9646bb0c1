// User centre (tab): points, level, badges; entries to referral, influencer dashboard, orders.
// Level-up and new-badge modals come from utils/reward.js (after any rewarded action) and
// from checkBadges here.
const { get, post, errorText } = require('../../utils/request.js')
const { formatTime } = require('../../utils/format.js')
const { celebrate } = require('../../utils/reward.js')

Page({
  data: {
    user: null,
    points: 0,
    level: 0,
    nextLevelPoints: 0,
    progress: 0,
    badges: [],
    loading: true,
    error: ''
  },

  onShow() {
    // wait for App.onLaunch's login before asking who I am; if it failed, loadUser's
    // request logs in again by itself
    getApp().ready.then(() => this.loadUser(), () => this.loadUser())
  },

  onPullDownRefresh() {
    this.loadUser().then(() => wx.stopPullDownRefresh(), () => wx.stopPullDownRefresh())
  },

  loadUser() {
    return get('/api/user/me').then((user) => {
      this.setData({ user, points: user.points, level: user.level, error: '' })
      return Promise.all([
        get('/api/user/' + user.id + '/level'),
        get('/api/user/' + user.id + '/badges')
      ])
    }).then(([level, badges]) => {
      const next = level.nextLevelPoints || 0
      this.setData({
        points: level.points,
        level: level.level,
        nextLevelPoints: next,
        progress: next > 0 ? Math.min(100, Math.round((level.points / next) * 100)) : 100,
        badges: (badges.badges || []).map((b) => Object.assign({}, b, { earnedText: formatTime(b.earnedAt) })),
        loading: false
      })
    }).catch((err) => {
      this.setData({ loading: false, error: errorText(err) })
    })
  },

  checkBadges() {
    post('/api/user/check-badges', {}).then((res) => {
      if (res.newBadges && res.newBadges.length) {
        celebrate({ newBadges: res.newBadges })
        this.loadUser()
      } else {
        wx.showToast({ title: '暂无新徽章', icon: 'none' })
      }
    }, (err) => wx.showToast({ title: errorText(err), icon: 'none' }))
  },

  goReferral() {
    wx.navigateTo({ url: '/pages/referral/referral' })
  },

  goDashboard() {
    wx.navigateTo({ url: '/pages/influencer/dashboard' })
  },

  goOrders() {
    wx.switchTab({ url: '/pages/order/list' })
  },

  goLive() {
    wx.navigateTo({ url: '/pages/live-stream/list' })
  }
})
