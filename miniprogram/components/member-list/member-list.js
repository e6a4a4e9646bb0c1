// <member-list members="{{participants}}" size="{{group.maxParticipants}}" bind:member="..." bind:slot="..." />
// The group's members (the first is the creator; unpaid and confirming slots are tagged) and one "?" per
// place still free. Tapping a member fires `member` ({userId, nickname, index}); tapping a free place
// fires `slot` ({index}): the page decides what that means (join, or invite).
Component({
  properties: {
    members: { type: Array, value: [] },
    size: { type: Number, value: 0 }   // places in the group
  },

  data: {
    emptySlots: []
  },

  observers: {
    'members, size'(members, size) {
      const free = Math.max(0, size - members.length)
      this.setData({ emptySlots: Array.from({ length: free }, (_, i) => i) })
    }
  },

  methods: {
    onMemberTap(e) {
      const index = e.currentTarget.dataset.index
      const member = this.data.members[index] || {}
      this.triggerEvent('member', { userId: member.userId, nickname: member.nickname, index })
    },

    onSlotTap(e) {
      this.triggerEvent('slot', { index: e.currentTarget.dataset.index })
    }
  }
})
