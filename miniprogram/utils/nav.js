// Open a page on top of the stack. The stack holds at most 10 pages: a navigateTo beyond that
// fails ("webview count limit exceed"), so a deep stack replaces its top page instead.
const MAX_PAGES = 10

function open(url) {
  const deep = getCurrentPages().length >= MAX_PAGES
  return new Promise((resolve) => {
    const go = deep ? wx.redirectTo : wx.navigateTo
    go({
      url,
      success: () => resolve(true),
      fail: (err) => {
        console.warn('[nav] ' + url + ': ' + (err && err.errMsg))
        resolve(false)
      }
    })
  })
}

module.exports = { open, MAX_PAGES }
