"""What the room sees: the attendee's pages, the projector and its live stream."""
