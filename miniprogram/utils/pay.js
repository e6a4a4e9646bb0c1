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

function showPayFailed(err) {
  wx.showModal({
    title: '支付失败',
    content: (err && (err.errMsg || err.message)) || '请稍后重试',
    showCancel: false,
    confirmText: '知道了'
  })
}

module.exports = { requestPayment, showPayFailed }
