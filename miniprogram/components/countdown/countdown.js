// <countdown end-time="{{group.endTime}}" bind:end="onEnd" />: the time left until endTime, "h:mm:ss".
// Recomputed from endTime and Date.now() every second, so it never drifts. It ticks only while its page is
// shown (pageLifetimes hide/show) and stops for good when detached, so no timer outlives it and a long
// clock advance with the page hidden or closed runs no ticks. `end` fires once per endTime, when it runs out.
import format from '../../utils/format'

Component({
  externalClasses: ['ext-class'],

  properties: {
    // ISO string or epoch ms, as the API sends it
    endTime: { type: null, value: '' }
  },

  data: {
    left: 0   // milliseconds left (the template formats it with utils/format.wxs)
  },

  observers: {
    endTime() {
      this.ended = false
      if (this.live) this.restart()
    }
  },

  lifetimes: {
    attached() {
      this.live = true
      this.restart()
    },
    detached() {
      this.live = false
      this.stop()
    }
  },

  pageLifetimes: {
    show() {
      if (this.live) this.restart()
    },
    hide() {
      this.stop()
    }
  },

  methods: {
    restart() {
      this.stop()
      this.tick()
    },

    stop() {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
    },

    tick() {
      this.timer = null
      const left = Math.max(0, format.toMs(this.data.endTime) - Date.now())
      if (left !== this.data.left) this.setData({ left })
      if (left > 0) {
        this.timer = setTimeout(() => this.tick(), 1000)
      } else if (this.data.endTime && !this.ended) {
        this.ended = true
        this.triggerEvent('end', { endTime: this.data.endTime })
      }
    }
  }
})
