// Gamification: report an action, the server decides the points (no client points).
// reward('share', productId) -> {awarded, points, totalPoints, level, levelUp, newLevel, newBadges}
// and shows "Level Up!" and one modal per new badge, spaced with setTimeout.
const { post } = require('./request.js')

const MODAL_GAP_MS = 300

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

// action: 'share' | 'like' | 'comment' | 'post' | 'purchase'. Never rejects.
function reward(action, objectId) {
  const data = { action }
  if (objectId) data.objectId = String(objectId)
  return post('/api/user/reward', data).then((result) => {
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
}

module.exports = { reward, celebrate }
