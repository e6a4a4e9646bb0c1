// Analytics calls: fire-and-forget. They never reject; an optional node-style callback
// `cb(err, data)` reports the outcome to callers that care.
const { post } = require('./request.js')

function send(url, data, cb) {
  post(url, data).then(
    (res) => { if (cb) cb(null, res) },
    (err) => {
      console.warn('[track] ' + url + ' failed: ' + err.message)
      if (cb) cb(err)
    }
  )
}

// platform: 'chat' | 'moments' | 'group'
function share(params, cb) {
  const data = { platform: params.platform || 'chat' }
  if (params.productId) data.productId = params.productId
  if (params.postId) data.postId = params.postId
  if (params.groupId) data.groupId = params.groupId
  send('/api/analytics/share', data, cb)
}

function productInterest(productId, streamId, cb) {
  const data = { productId }
  if (streamId) data.streamId = streamId
  send('/api/analytics/product-interest', data, cb)
}

function socialAction(action, data, cb) {
  send('/api/analytics/social-action', { action, data: data || {} }, cb)
}

function referralShare(referralCode, cb) {
  if (!referralCode) return
  send('/api/referral/share-track', { referralCode }, cb)
}

// Opening a link that carries ?ref=CODE. Sent once per code per app session.
const trackedRefs = {}
function referral(referralCode, cb) {
  if (!referralCode || referralCode === 'undefined' || trackedRefs[referralCode]) return
  trackedRefs[referralCode] = true
  send('/api/referral/track', { referralCode }, cb)
}

module.exports = { share, productInterest, socialAction, referralShare, referral }
