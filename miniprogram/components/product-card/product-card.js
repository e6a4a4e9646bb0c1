// <product-card product="{{item}}" ext-class="card" image-class="thumb" price-class="big">: a product's
// picture, name and price (formatted in the template by utils/format.wxs, from the API's fen).
// Slots: the default one and "footer" for what the page adds (sales, a 主播讲解中 tag, ...). Taps bubble
// to the host, so the page binds `bindtap` on <product-card> with its own data-id.
Component({
  options: { multipleSlots: true },

  externalClasses: ['ext-class', 'image-class', 'price-class'],

  properties: {
    product: { type: Object, value: {} },
    priceKey: { type: String, value: 'groupPrice' },   // which price is the big one: groupPrice or price
    showSingle: { type: Boolean, value: false }        // also show "单买 ¥x" (the single-purchase price)
  }
})
