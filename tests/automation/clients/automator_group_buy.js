// An existing miniprogram-automator suite, as a QA team writes it for WeChat DevTools, run against
// `wxsim serve`: usage `node automator_group_buy.js ws://127.0.0.1:PORT1 ws://127.0.0.1:PORT2`.
// Only the endpoints differ from a DevTools run (and Wxsim.share, which DevTools cannot do).
const assert = require('assert')
const automator = require('miniprogram-automator')

const [alicePort, bobPort] = process.argv.slice(2)

async function waitFor(what, check, ms = 15000) {
  const until = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > until) throw new Error('timed out waiting for ' + what)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function byText(page, selector, text) {
  for (const el of await page.$$(selector)) {
    if ((await el.text()).includes(text)) return el
  }
  throw new Error(`no ${selector} containing ${text} on ${page.path}`)
}

async function main() {
  const alice = await automator.connect({ wsEndpoint: alicePort })
  const logs = []
  alice.on('console', (msg) => logs.push(msg))

  // the app starts on the home page
  let page = await alice.currentPage()
  assert.strictEqual(page.path, 'pages/index/index')
  const products = await page.data('products')
  assert.ok(products.length > 0, 'the home page lists products')

  // mock a wx method: a fixed result, then a function that calls the real API through this.origin
  await alice.mockWxMethod('getLocation', { latitude: 31.2, longitude: 121.5, errMsg: 'getLocation:ok' })
  const where = await alice.callWxMethod('getLocation', { type: 'gcj02' })
  assert.strictEqual(where.latitude, 31.2)
  await alice.mockWxMethod('getStorageSync', function (key, prefix) {
    return key === 'greeting' ? prefix + 'hello' : this.origin(key)
  }, 'mocked:')
  assert.strictEqual(await alice.callWxMethod('getStorageSync', 'greeting'), 'mocked:hello')
  await alice.restoreWxMethod('getStorageSync')
  assert.strictEqual(await alice.callWxMethod('getStorageSync', 'greeting'), '')
  assert.strictEqual(await alice.evaluate(function (a, b) { return a + b }, 2, 3), 5)

  // comment on a post: navigate, tap by selector and text, type, check data and text
  page = await alice.switchTab('/pages/social-feed/social-feed')
  await waitFor('posts', async () => (await page.data('posts') || []).length > 0)
  const comment = await byText(page, '.action', '评论')
  await comment.tap()
  page = await waitFor('the comments page', async () => {
    const p = await alice.currentPage()
    return p.path === 'pages/social-feed/comments' && p
  })
  await waitFor('comments to load', async () => (await page.data('loading')) === false)
  const input = await page.$('input.input')
  await input.input('好物推荐，已下单')
  assert.strictEqual(await page.data('draft'), '好物推荐，已下单')
  await (await byText(page, 'button', '发送')).tap()
  await waitFor('the new comment', async () => {
    const texts = await Promise.all((await page.$$('.comment .text')).map((el) => el.text()))
    return texts.includes('好物推荐，已下单')
  })
  assert.strictEqual(await page.data('draft'), '')

  // a group purchase with a friend on the second port
  const product = products.find((p) => p.groupSize === 2)
  assert.ok(product, 'a product whose group needs two people')
  page = await alice.reLaunch('/pages/index/index')
  await waitFor('products', async () => (await page.data('products') || []).length > 0)
  const card = await byText(page, 'product-card', product.name)
  await card.tap()
  page = await waitFor('the product page', async () => {
    const p = await alice.currentPage()
    return p.path === 'pages/product/detail' && p
  })
  await waitFor('the product', async () => (await page.data('loading')) === false)
  await (await byText(page, 'button', '发起拼团')).tap()
  page = await waitFor('the group page', async () => {
    const p = await alice.currentPage()
    return p.path === 'pages/group-buy/group-buy' && p
  })
  await waitFor('alice paid', async () => (await page.data('isMember')) && !(await page.data('needPay')))
  const groupId = await page.data('groupId')

  const bob = await automator.connect({ wsEndpoint: bobPort })
  const shared = await alice.send('Wxsim.share', { to: bobPort.split(':').pop(), chat: 'group' })
  assert.ok(shared.card.path.includes('groupId=' + groupId))
  let bobPage = await bob.currentPage()
  assert.strictEqual(bobPage.path, 'pages/group-buy/group-buy')
  await waitFor('bob can join', async () => bobPage.data('canJoin'))
  await (await byText(bobPage, 'button', '立即参团')).tap()
  await waitFor('the group complete', async () => (await bobPage.data('status')) === 'complete')
  const done = await bobPage.$('.done')
  assert.strictEqual(await done.text(), '拼团成功')

  bob.disconnect()
  alice.disconnect()
  console.log('automator suite passed')
}

main().catch((err) => {
  console.error(err && err.stack || err)
  process.exit(1)
})
