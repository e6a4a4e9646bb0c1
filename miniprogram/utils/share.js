// Share payloads for Page.onShareAppMessage / onShareTimeline. Mini programs cannot share
// programmatically: the user picks "转发" in the menu or taps <button open-type="share">,
// then the page's onShareAppMessage returns {title, path, imageUrl, promise?}.
import { post } from './request'
import { share as trackShare, referralShare } from './track'
import { reward } from './reward'

export function buildQuery(params) {
  return Object.keys(params)
    .filter((k) => params[k] !== undefined && params[k] !== null && params[k] !== '')
    .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(params[k]))
    .join('&')
}

export function buildPath(page, params) {
  const q = buildQuery(params || {})
  return q ? page + '?' + q : page
}

export function cachedReferralCode() {
  const app = getApp()
  return (app && app.globalData.referralCode) || ''
}

// The caller's stable referral code (POST /api/referral/generate), cached for the session.
export function getReferralCode() {
  const cached = cachedReferralCode()
  if (cached) return Promise.resolve(cached)
  return post('/api/referral/generate', {}).then((res) => {
    getApp().globalData.referralCode = res.referralCode
    return res.referralCode
  })
}

// A share result with `promise`: if the code is not cached yet the card waits (< 3 s) for it.
export function withReferral(build) {
  const code = cachedReferralCode()
  const result = build(code)
  if (!code) {
    result.promise = getReferralCode().then((c) => build(c), () => build(''))
  }
  return result
}

// Side effects of a share: analytics, referral share tracking, gamification. Fire-and-forget.
export function afterShare(params) {
  trackShare(params)
  const code = cachedReferralCode()
  if (code) referralShare(code)
  reward('share', params.groupId || params.postId || params.productId)
}

export default { buildQuery, buildPath, getReferralCode, cachedReferralCode, withReferral, afterShare }
