// Login: wx.login -> POST /api/auth/login {code, refCode?} -> token in storage.
// The login request is sent with wx.request directly (callbacks), because utils/request.js
// depends on this module for its token.
const env = require('../config/env.js')

let pending = null          // the login in flight, shared by everyone who needs it
let browseOnly = false      // timeline single-page mode (scene 1154): wx.login is unavailable

function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({
      timeout: 10000,
      success: (res) => resolve(res.code),
      fail: (err) => reject(new Error(err.errMsg || 'login:fail'))
    })
  })
}

function postLogin(code, refCode) {
  const data = { code }
  if (refCode) data.refCode = refCode
  return new Promise((resolve, reject) => {
    wx.request({
      url: env.baseUrl + '/api/auth/login',
      method: 'POST',
      data,
      header: { 'content-type': 'application/json' },
      success: (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300 && res.data && res.data.token) {
          resolve(res.data)
        } else {
          const err = new Error((res.data && res.data.message) || 'login failed: HTTP ' + res.statusCode)
          err.statusCode = res.statusCode
          err.data = res.data
          reject(err)
        }
      },
      fail: (err) => {
        const e = new Error(err.errMsg || 'request:fail')
        e.errMsg = err.errMsg
        reject(e)
      }
    })
  })
}

// Logs in once; concurrent callers share the same promise. Resolves with the session
// {token, userId, openid, nickname, isNew}.
function login(refCode) {
  if (browseOnly) {
    const err = new Error('browse only mode')
    err.code = 'browse_only'
    return Promise.reject(err)
  }
  if (pending) return pending
  pending = wxLogin()
    .then((code) => postLogin(code, refCode))
    .then((session) => {
      wx.setStorageSync('token', session.token)
      wx.setStorageSync('userId', session.userId)
      pending = null
      return session
    }, (err) => {
      pending = null
      throw err
    })
  return pending
}

function getToken() {
  return wx.getStorageSync('token') || ''
}

function getUserId() {
  return wx.getStorageSync('userId') || ''
}

// Resolves when a token is available: waits for a login in flight, else logs in if needed.
function ensureLogin() {
  if (pending) return pending
  if (getToken()) return Promise.resolve()
  return login()
}

// After a 401: drop the stale token and log in again.
function relogin() {
  wx.removeStorageSync('token')
  return login()
}

function setBrowseOnly(value) {
  browseOnly = !!value
}

function isBrowseOnly() {
  return browseOnly
}

module.exports = { login, ensureLogin, relogin, getToken, getUserId, setBrowseOnly, isBrowseOnly }
