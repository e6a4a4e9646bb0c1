const auth = require('./utils/auth.js')

const SCENE_TIMELINE_SINGLE_PAGE = 1154

App({
  globalData: {
    userId: '',
    nickname: '',
    isNew: false,
    referralCode: '',   // the current user's own code (utils/share.js fills it)
    launchRef: '',      // the code this launch came in with (?ref=)
    scene: 0,
    shareTicket: '',
    enterQuery: {},
    points: 0,
    level: 0
  },

  // Pages wait for login with getApp().ready.then(...). Resolves with the session, or null
  // in timeline single-page mode where wx.login is unavailable.
  ready: null,

  onLaunch(options) {
    const query = options.query || {}
    const ref = query.ref ? decodeURIComponent(query.ref) : ''
    this.globalData.launchRef = ref
    this.globalData.scene = options.scene || 0

    if (options.scene === SCENE_TIMELINE_SINGLE_PAGE) {
      auth.setBrowseOnly(true)
      this.ready = Promise.resolve(null)
      return
    }

    this.ready = auth.login(ref).then((session) => {
      this.globalData.userId = session.userId
      this.globalData.nickname = session.nickname || ''
      this.globalData.isNew = !!session.isNew
      return session
    })
    // login failures are handled where the token is needed (utils/request.js retries)
    this.ready.catch((err) => {
      console.error('[app] login failed: ' + err.message)
    })
  },

  onShow(options) {
    // cold start: same options as onLaunch; hot start: how the user came back (e.g. a share card)
    this.globalData.scene = options.scene || 0
    this.globalData.shareTicket = options.shareTicket || ''
    this.globalData.enterQuery = options.query || {}
    if (options.query && options.query.ref && !this.globalData.launchRef) {
      this.globalData.launchRef = decodeURIComponent(options.query.ref)
    }
  },

  onHide() {},

  onError(msg) {
    console.error('[app] onError: ' + msg)
  },

  onUnhandledRejection(res) {
    const reason = res && res.reason
    // wx API promises reject with {errMsg}, app code with Error
    const text = reason && (reason.message || reason.errMsg)
    console.error('[app] unhandled rejection: ' + (text || reason))
  },

  onPageNotFound() {
    wx.switchTab({ url: '/pages/index/index' })
  }
})
