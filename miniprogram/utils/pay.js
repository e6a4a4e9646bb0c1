const { reward } = require('./reward.js')

// wx.requestPayment with the parameters the server issued (never built on the client).
// Resolves 'paid' or 'cancelled'; rejects with an Error carrying errMsg for other failures.
function requestPayment(payment) {
  return new Promise((resolve, reject) => {
    if (!payment || !payment.package) {
      reject(new Error('missing payment params'))
      return
    }
    wx.requestPayment({
      timeStamp: payment.timeStamp,
      nonceStr: payment.nonceStr,
      package: payment.package,
      signType: payment.signType,
      paySign: payment.paySign,
      success: () => resolve('paid'),
      fail: (err) => {
        if (err && err.errMsg === 'requestPayment:fail cancel') {
          resolve('cancelled')
          return
        }
        const e = new Error((err && err.errMsg) || 'requestPayment:fail')
        e.errMsg = err && err.errMsg
        reject(e)
      }
    })
  })
}

// Pay with the usual feedback: a toast for paid or cancelled (and the purchase reward), the failure
// modal otherwise. Resolves 'paid' | 'cancelled' | 'failed'; the order stays payable unless paid.
function payWithFeedback(payment, orderId) {
  return requestPayment(payment).then((status) => {
    if (status === 'paid') {
      wx.showToast({ title: '支付成功', icon: 'success' })
      reward('purchase', orderId)
    } else {
      wx.showToast({ title: '支付已取消', icon: 'none' })
    }
    return status
  }, (err) => {
    showPayFailed(err)
    return 'failed'
  })
}

function showPayFailed(err) {
  wx.showModal({
    title: '支付失败',
    content: (err && (err.errMsg || err.message)) || '请稍后重试',
    showCancel: false,
    confirmText: '知道了'
  })
}

module.exports = { requestPayment, payWithFeedback, showPayFailed }
