// Promise wrapper around wx.request. wx.request itself returns a RequestTask (never a
// Promise) and reports every HTTP status through `success`, so the status is checked here.
//   get('/api/products', {page: 1}).then((data) => ...)
// Resolves with res.data on 2xx; rejects with an Error carrying statusCode / data / errMsg.
const env = require('../config/env.js')
const auth = require('./auth.js')

function httpError(res) {
  const body = res.data && typeof res.data === 'object' ? res.data : {}
  const err = new Error(body.message || ('HTTP ' + res.statusCode))
  err.statusCode = res.statusCode
  err.data = res.data
  err.code = body.error || ''
  err.errMsg = res.errMsg
  return err
}

function send(options, token) {
  return new Promise((resolve, reject) => {
    const header = Object.assign({ 'content-type': 'application/json' }, options.header)
    if (token) header.Authorization = 'Bearer ' + token
    const params = {
      url: env.baseUrl + options.url,
      method: options.method || 'GET',
      header,
      success: (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          // dataType json: a body that failed to parse stays a string (still "success")
          if (typeof res.data === 'string' && res.data !== '') {
            const err = new Error('malformed response')
            err.statusCode = res.statusCode
            err.data = res.data
            err.malformed = true
            reject(err)
            return
          }
          resolve(res.data)
        } else {
          reject(httpError(res))
        }
      },
      fail: (res) => {
        const err = new Error(res.errMsg || 'request:fail')
        err.errMsg = res.errMsg
        err.errno = res.errno
        err.statusCode = 0
        reject(err)
      }
    }
    if (options.data !== undefined) params.data = options.data
    if (options.timeout) params.timeout = options.timeout
    wx.request(params)
  })
}

// options: {url (path starting with /api), method, data, header, timeout, auth (default true)}
function request(options) {
  if (options.auth === false) return send(options, auth.getToken())
  return auth.ensureLogin()
    .then(() => send(options, auth.getToken()))
    .catch((err) => {
      if (err.statusCode !== 401) throw err
      // token expired or unknown: log in again once and retry
      return auth.relogin().then(() => send(options, auth.getToken()))
    })
}

function get(url, data, extra) {
  return request(Object.assign({ url, method: 'GET', data }, extra))
}

function post(url, data, extra) {
  return request(Object.assign({ url, method: 'POST', data: data || {} }, extra))
}

// What users read for the backend's error codes; its `message` is written for developers (English).
const CODE_TEXT = {
  invalid_state: '订单状态已变化，请刷新',
  out_of_stock: '库存不足',
  payment_unavailable: '支付暂不可用',
  forbidden: '无权操作',
  invalid_request: '请求有误',
  browse_only: '请前往小程序使用完整服务' // timeline single-page mode: no login (utils/auth.js)
}

// A short user-facing text for a failed request
function errorText(err) {
  if (!err) return '请求失败'
  if (err.statusCode === 0) return /timeout/.test(err.errMsg || '') ? '网络超时' : '网络异常'
  if (err.statusCode >= 500) return '服务繁忙'
  return CODE_TEXT[err.code] || (err.data && err.data.message) || err.message || '请求失败'
}

module.exports = { request, get, post, errorText }
