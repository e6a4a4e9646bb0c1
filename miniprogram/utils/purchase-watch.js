// A purchase just paid in the app, until the server confirms it.
// The server marks an order paid, and awards its purchase points, when WeChat Pay's notification arrives,
// which can be late (WeChat Pay retries a failed one 15 s later): the purchase report (utils/reward.js)
// then answers `pending_payment`. The page that shows the purchase (order page, group page) keeps a
// PurchaseWatch: it looks at the order again with backoff, 1 + 2 + 4 + 8 + 16 s, on its own timer and only
// while shown, tells the watch what it saw each time, and once the order is paid the watch reports the
// purchase again, once, so that reward() shows the level-up / badge modals of the award. After the
// backoff it stops asking: the points follow the payment on the server all the same.
//
//   const watch = new PurchaseWatch(orderId, { onNote, onPending })
//   watch.follow(takePurchaseReport(orderId))   // or the Promise reward('purchase', orderId) returned
//   after each look: watch.seen('unpaid' | 'paid' | 'over'); an unpaid order shows as confirming while
//   watch.confirming();
//   while watch.waiting(): look again in watch.nextDelay() ms (0: the backoff is spent, show the order as is)
//   onUnload: watch.end()
const { reward } = require('./reward.js')

const RECHECK_DELAYS_MS = [1000, 2000, 4000, 8000, 16000]
const NOTE_WAITING = '已支付，积分确认中'
const NOTE_LATER = '支付结果确认中，积分将在确认后到账'

// The purchase points line for a report's answer ('' when nothing was awarded).
function rewardNote(result) {
  return result && result.awarded ? '本单获得 ' + result.points + ' 积分' : ''
}

class PurchaseWatch {
  // onNote(text): the purchase points line to show ('' for none).
  // onPending(): the report answered pending_payment; the page checks what it last saw (it may be paid
  // already) and makes sure a look is coming.
  constructor(orderId, { onNote, onPending }) {
    this.orderId = String(orderId)
    this.onNote = onNote
    this.onPending = onPending
    this.awaiting = true          // paid in the app, the server has not confirmed it yet
    this.rewardPending = false    // the report answered pending_payment: report again once paid
    this.attempt = 0              // backoff steps begun
    this.stepLeft = 0             // ms of the current step not yet waited
    this.ended = false
  }

  // report: a Promise of the purchase report's answer (reward() never rejects), or null if none was made
  follow(report) {
    if (!report) return
    report.then((result) => {
      if (this.ended) return
      if (result && result.reason === 'pending_payment') {
        this.rewardPending = true
        this.onNote(NOTE_WAITING)
        this.onPending()
      } else {
        this.onNote(rewardNote(result))
      }
    })
  }

  // What a look at the order found: still 'unpaid' on the server, 'paid', or 'over' (closed, refunded,
  // gone: it will not be paid). Paid with the report pending: report it again, once.
  seen(state) {
    if (this.ended || state === 'unpaid') return
    this.awaiting = false
    if (!this.rewardPending) return
    this.rewardPending = false
    if (state !== 'paid') {
      this.onNote('')
      return
    }
    reward('purchase', this.orderId).then((result) => {
      if (!this.ended) this.onNote(rewardNote(result))
    })
  }

  // Paid in the app and not seen paid on the server yet: while the order is unpaid there, show it as
  // confirming (and offer no second payment).
  confirming() {
    return !this.ended && this.awaiting
  }

  // Whether the page should look at the order again.
  waiting() {
    return !this.ended && (this.awaiting || this.rewardPending)
  }

  // The delay before the next look; 0 once the backoff is spent: the watch then stops waiting (saying
  // the points come later if they were pending) and the page shows the order as it is.
  // maxMs: a page that looks more often anyway (the group page polls every 5 s) splits a longer step, so
  // it looks at the same moments as the order page and in between, and stops waiting at the same time.
  nextDelay(maxMs) {
    if (!this.waiting()) return 0
    if (!this.stepLeft) {
      if (this.attempt >= RECHECK_DELAYS_MS.length) {
        this.awaiting = false
        if (this.rewardPending) this.onNote(NOTE_LATER)
        this.rewardPending = false
        return 0
      }
      this.stepLeft = RECHECK_DELAYS_MS[this.attempt]
      this.attempt += 1
    }
    const delay = maxMs ? Math.min(this.stepLeft, maxMs) : this.stepLeft
    this.stepLeft -= delay
    return delay
  }

  // The page is gone (or watches a newer payment): answers still to come are ignored.
  end() {
    this.ended = true
  }
}

module.exports = { PurchaseWatch, RECHECK_DELAYS_MS }
