// Gamification: report an action, the server decides the points (no client points).
// reward('share', productId) -> {awarded, points, totalPoints, level, levelUp, newLevel, newBadges}
// and shows "Level Up!" and one modal per new badge, spaced with setTimeout.
const { post } = require('./request.js')

const MODAL_GAP_MS = 300
const KEPT_PURCHASE_REPORTS = 10

// The latest report of each purchase, by order id (a Promise of its answer), so that the order page opened
// right after paying can tell whether the server answered `pending_payment` (WeChat Pay's notification
// not in yet) and re-check until the points follow. Only the last few are kept.
const purchaseReports = {}
const purchaseReportIds = []

function keepPurchaseReport(orderId, promise) {
  if (!(orderId in purchaseReports)) purchaseReportIds.push(orderId)
  purchaseReports[orderId] = promise
  while (purchaseReportIds.length > KEPT_PURCHASE_REPORTS) delete purchaseReports[purchaseReportIds.shift()]
}

// The report of this order's purchase made on another page (then forgotten), or null if none was made.
function takePurchaseReport(orderId) {
  const key = String(orderId)
  const promise = purchaseReports[key] || null
  delete purchaseReports[key]
  const i = purchaseReportIds.indexOf(key)
  if (i >= 0) purchaseReportIds.splice(i, 1)
  return promise
}

function showModalsInTurn(modals, index) {
  if (index >= modals.length) return
  const m = modals[index]
  wx.showModal({
    title: m.title,
    content: m.content,
    showCancel: false,
    confirmText: '好的',
    complete: () => {
      setTimeout(() => showModalsInTurn(modals, index + 1), MODAL_GAP_MS)
    }
  })
}

function celebrate(result) {
  if (!result) return
  const modals = []
  if (result.levelUp) {
    modals.push({
      title: 'Level Up!',
      content: '恭喜升级到 Lv.' + (result.newLevel || result.level) + '！'
    })
  }
  const badges = result.newBadges || []
  badges.forEach((badge) => {
    modals.push({ title: '获得新徽章', content: '你获得了「' + badge.name + '」徽章！' })
  })
  if (modals.length) setTimeout(() => showModalsInTurn(modals, 0), MODAL_GAP_MS)
}

// action: 'share' | 'like' | 'comment' | 'post' | 'purchase'. Never rejects (null on failure).
// A purchase made before WeChat Pay's notification reached the server answers reason 'pending_payment'
// (nothing awarded yet): the server awards the points with the verified payment, and the next report of
// that order then answers the award (once, with its levelUp and badges), so report it again once paid.
function reward(action, objectId) {
  const data = { action }
  if (objectId) data.objectId = String(objectId)
  const answer = post('/api/user/reward', data).then((result) => {
    const app = getApp()
    if (app && app.globalData && result) {
      app.globalData.points = result.totalPoints
      app.globalData.level = result.level
    }
    celebrate(result)
    return result
  }, (err) => {
    console.warn('[reward] ' + action + ' failed: ' + err.message)
    return null
  })
  if (action === 'purchase' && objectId) keepPurchaseReport(String(objectId), answer)
  return answer
}

module.exports = { reward, celebrate, takePurchaseReport }
